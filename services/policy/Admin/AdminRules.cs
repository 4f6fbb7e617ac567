using System.Collections.Frozen;
using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Every rule of the admin API's RBAC, in one place (docs/architecture.md has the same table). Visibility comes
/// first: an object of another organization is <see cref="AdminVerdict.NotFound"/> for everyone but an admin, so
/// an answer never tells whether another tenant's object exists. Then the role's reach decides
/// <see cref="AdminVerdict.Forbidden"/>. Three rules hold for every role: a principal never grants more than it
/// holds (models of a key it creates or changes ⊆ the models of its own key; a role it gives ≤ its own), it cannot
/// change its own role, and only an admin touches an admin user.
/// </summary>
internal static class AdminRules
{
    //                                                   admin            org_admin                team_admin          member            viewer
    private static readonly FrozenDictionary<AdminOperation, AdminReach[]> Table = new Dictionary<AdminOperation, AdminReach[]>
    {
        [AdminOperation.Read] = [AdminReach.All, AdminReach.Organization, AdminReach.Organization, AdminReach.Organization, AdminReach.Organization],
        [AdminOperation.ManageOrganizations] = [AdminReach.All, AdminReach.None, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageTeams] = [AdminReach.All, AdminReach.Organization, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageUsers] = [AdminReach.All, AdminReach.Organization, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageMemberships] = [AdminReach.All, AdminReach.Organization, AdminReach.Teams, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageServiceAccounts] = [AdminReach.All, AdminReach.Organization, AdminReach.Teams, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageAccessGroups] = [AdminReach.All, AdminReach.Organization, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageKeys] = [AdminReach.All, AdminReach.Organization, AdminReach.Teams, AdminReach.Own, AdminReach.None],
        [AdminOperation.ReadAudit] = [AdminReach.All, AdminReach.Organization, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ReadUsage] = [AdminReach.All, AdminReach.Organization, AdminReach.Teams, AdminReach.Own, AdminReach.Organization],
        [AdminOperation.ManageLimits] = [AdminReach.All, AdminReach.Organization, AdminReach.Teams, AdminReach.None, AdminReach.None],
        [AdminOperation.ManageCredentials] = [AdminReach.All, AdminReach.None, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ReadDeployments] = [AdminReach.All, AdminReach.None, AdminReach.None, AdminReach.None, AdminReach.None],
        [AdminOperation.ReadPrompts] = [AdminReach.All, AdminReach.Organization, AdminReach.Organization, AdminReach.Organization, AdminReach.Organization],
        [AdminOperation.PreviewPrompts] = [AdminReach.All, AdminReach.Organization, AdminReach.Organization, AdminReach.Organization, AdminReach.None],
        [AdminOperation.ManagePrompts] = [AdminReach.All, AdminReach.Organization, AdminReach.None, AdminReach.None, AdminReach.None],
    }.ToFrozenDictionary();

    /// <summary>The roles from most to least powerful: a role may give only roles at or below its own rank.</summary>
    private static readonly string[] Ranking = [Roles.Admin, Roles.OrgAdmin, Roles.TeamAdmin, Roles.Member, Roles.Viewer];

    public static AdminReach ReachOf(string role, AdminOperation operation)
    {
        var column = Array.IndexOf(Ranking, role);
        return column < 0 ? AdminReach.None : Table[operation][column];
    }

    /// <summary>Whether the actor may do <paramref name="operation"/> to an object at <paramref name="target"/>.</summary>
    public static AdminVerdict Decide(AdminActor actor, AdminOperation operation, AdminTarget target)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        var reach = ReachOf(actor.Role, operation);
        if (reach != AdminReach.All && target.OrganizationId != actor.OrganizationId)
        {
            return AdminVerdict.NotFound;
        }

        var allowed = reach switch
        {
            AdminReach.All or AdminReach.Organization => true,
            AdminReach.Teams => (target.TeamId is { } team && actor.Teams.Contains(team)) || target.OwnerUserId == actor.UserId,
            AdminReach.Own => target.OwnerUserId == actor.UserId,
            _ => false,
        };
        return allowed ? AdminVerdict.Allowed : AdminVerdict.Forbidden;
    }

    /// <summary>Whether the actor may do the operation anywhere at all (before any object is named, e.g. to list audit events).</summary>
    public static bool MayEver(AdminActor actor, AdminOperation operation) => ReachOf(actor.Role, operation) != AdminReach.None;

    /// <summary>Whether objects of every organization are visible to the actor (else only its own organization's).</summary>
    public static bool SeesAllOrganizations(AdminActor actor) => ReachOf(actor.Role, AdminOperation.Read) == AdminReach.All;

    /// <summary>
    /// A stored role lowered by the roles a token carries: the lower of <paramref name="stored"/> and the highest AiMesh
    /// role among <paramref name="claimed"/> (never higher than stored). Null when the token carries no AiMesh role.
    /// </summary>
    public static string? Lowered(string stored, IEnumerable<string> claimed)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var held = Array.IndexOf(Ranking, stored);
        var best = claimed.Select(r => Array.IndexOf(Ranking, r)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        return best < 0 || held < 0 ? null : Ranking[Math.Max(best, held)];
    }

    /// <summary>A role may be given only by someone holding at least that role.</summary>
    public static bool MayGiveRole(AdminActor actor, string role) =>
        Array.IndexOf(Ranking, role) is var given and >= 0 && given >= Array.IndexOf(Ranking, actor.Role) && Array.IndexOf(Ranking, actor.Role) >= 0;

    /// <summary>
    /// Whether the actor may create, change or give a role to <paramref name="user"/>: never its own role, never an
    /// admin user unless it is an admin, never a user ranked above itself.
    /// </summary>
    public static AdminVerdict DecideUserChange(AdminActor actor, User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var verdict = Decide(actor, AdminOperation.ManageUsers, new AdminTarget(user.OrganizationId));
        if (verdict != AdminVerdict.Allowed)
        {
            return verdict;
        }

        return user.Id == actor.UserId || !MayGiveRole(actor, user.Role) ? AdminVerdict.Forbidden : AdminVerdict.Allowed;
    }

    /// <summary>
    /// Whether the actor may set or clear the rate limits and budgets of a subject (<see cref="Store.LimitSubjects"/>) at
    /// <paramref name="target"/>. Limits exist to hold someone back, so below admin nobody changes those that hold
    /// itself back: not its own organization's, its own user's or its own keys'. An org_admin sets them for the teams,
    /// users and keys of its organization; a team_admin only for its teams' keys (not for the team, whose budget
    /// bounds the team_admin's own spend, nor for users, who may belong to other teams).
    /// </summary>
    public static AdminVerdict DecideLimitChange(AdminActor actor, string subjectType, AdminTarget target)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        var verdict = Decide(actor, AdminOperation.ManageLimits, target);
        var reach = ReachOf(actor.Role, AdminOperation.ManageLimits);
        if (verdict != AdminVerdict.Allowed || reach == AdminReach.All)
        {
            return verdict;
        }

        if (subjectType == Store.LimitSubjects.Org || target.OwnerUserId == actor.UserId)
        {
            return AdminVerdict.Forbidden;
        }

        return subjectType == Store.LimitSubjects.Key || reach == AdminReach.Organization ? AdminVerdict.Allowed : AdminVerdict.Forbidden;
    }

    /// <summary>
    /// Whether a key with these models (access groups already resolved to theirs) is within what the actor's own key
    /// may use. <c>*</c> is within only a key that may use every model.
    /// </summary>
    /// <summary>
    /// Whether an actor limited to regions may give these: only a non-empty set within its own (an empty set means any
    /// region, wider than its own). An actor without regions may give any. The same rule as models ⊆ the creator's.
    /// </summary>
    public static bool RegionsWithin(AdminActor actor, IReadOnlyList<string> regions)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(regions);
        return actor.Regions is not { } own
            || (regions.Count > 0 && regions.All(r => own.Contains(r.Trim(), StringComparer.OrdinalIgnoreCase)));
    }

    public static bool GrantsWithin(AdminActor actor, IEnumerable<string> models)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(models);
        return actor.Models is null || models.All(m => m != "*" && actor.Models.Contains(m));
    }
}
