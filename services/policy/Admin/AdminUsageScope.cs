using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Which usage an actor may read (<see cref="AdminOperation.ReadUsage"/>), forced here from the actor and never taken
/// from the query: the values a query names are cut down to those the actor may see. The scope is a list of values of
/// the asked dimension:
/// <list type="bullet">
/// <item>admin: everything, every dimension.</item>
/// <item>org_admin, viewer (organization reach): the keys, teams and users of its organization, and the organization itself.</item>
/// <item>team_admin (teams reach): the keys owned by its teams, their service accounts or itself; its teams; itself
/// and its teams' members.</item>
/// <item>member (own reach): its own keys and itself; not teams.</item>
/// <item>team_admin and member do not read by org: an organization's rows sum other teams' usage.</item>
/// </list>
/// The <c>all</c>, <c>model</c> and <c>deployment</c> dimensions sum every organization's usage, so only an admin reads
/// them. Another organization's values are simply absent: the answer is empty, not 404.
/// </summary>
internal static class AdminUsageScope
{
    /// <returns>Whether the actor may query the dimension at all, and the values the query may return (null: any value).</returns>
    public static async Task<(bool Allowed, IReadOnlyList<string>? Values)> ValuesAsync(
        AdminActor actor, string dimension, IReadOnlyList<string>? requested, PolicyDbContext db, CancellationToken cancellationToken)
    {
        var reach = AdminRules.ReachOf(actor.Role, AdminOperation.ReadUsage);
        if (reach == AdminReach.All)
        {
            return (true, requested);
        }

        var teams = actor.Teams.ToList();

        var visible = (reach, dimension) switch
        {
            (AdminReach.Organization, "key") => await KeyValuesAsync(db.VirtualKeys.Where(k => k.OrganizationId == actor.OrganizationId), cancellationToken),
            (AdminReach.Organization, "team") => [.. (await db.Teams.Where(t => t.OrganizationId == actor.OrganizationId).Select(t => t.Id).ToListAsync(cancellationToken)).Select(Team)],
            (AdminReach.Organization, "org") => [Org(actor.OrganizationId)],
            (AdminReach.Organization, "user") => [.. (await db.Users.Where(u => u.OrganizationId == actor.OrganizationId).Select(u => u.Id).ToListAsync(cancellationToken)).Select(User)],
            (AdminReach.Teams, "key") => await TeamKeysAsync(actor, teams, db, cancellationToken),
            (AdminReach.Teams, "team") => [.. actor.Teams.Select(Team)],
            (AdminReach.Teams, "user") => [.. (await db.TeamMemberships.Where(m => teams.Contains(m.TeamId)).Select(m => m.UserId).ToListAsync(cancellationToken)).Append(actor.UserId).Distinct().Select(User)],
            (AdminReach.Own, "key") => await KeyValuesAsync(db.VirtualKeys.Where(k => k.OwnerUserId == actor.UserId), cancellationToken),
            (AdminReach.Own, "user") => [User(actor.UserId)],
            _ => null,
        };
        if (visible is null)
        {
            return (false, null);
        }

        var allowed = new HashSet<string>(visible, StringComparer.Ordinal);
        return (true, requested is null ? [.. allowed.Order(StringComparer.Ordinal)] : [.. requested.Where(allowed.Contains)]);
    }

    /// <summary>
    /// Which shadow results an actor may compare (<c>/admin/usage/shadow</c>): a result names its organization, team and
    /// key, so the scope is those of the actor's usage reach. An admin: every result (nulls: no filter). Organization
    /// reach (org_admin, viewer): its organization's. Teams reach (team_admin): its organization's results of its teams or
    /// of the keys it reads usage of (its teams', their service accounts', its own). Own reach (member): its own keys'.
    /// </summary>
    public static async Task<(string? OrganizationId, IReadOnlyList<string>? TeamIds, IReadOnlyList<string>? KeyIds)> ShadowAsync(
        AdminActor actor, PolicyDbContext db, CancellationToken cancellationToken)
    {
        var reach = AdminRules.ReachOf(actor.Role, AdminOperation.ReadUsage);
        if (reach == AdminReach.All)
        {
            return (null, null, null);
        }

        var organization = Org(actor.OrganizationId);
        if (reach == AdminReach.Organization)
        {
            return (organization, null, null);
        }

        var (_, keys) = await ValuesAsync(actor, "key", null, db, cancellationToken);
        IReadOnlyList<string> teams = reach == AdminReach.Teams ? [.. actor.Teams.Select(Team).Order(StringComparer.Ordinal)] : [];
        return (organization, teams, keys ?? []);
    }

    /// <summary>Usage's team value: the team id as policy admits it (<c>RequestAuthorized.TeamId</c>).</summary>
    public static string Team(Guid team) => team.ToString();

    /// <summary>Usage's org value: the organization id as policy admits it (<c>RequestAuthorized.OrganizationId</c>, a stored key's <c>KeyGrant.Organization</c>).</summary>
    public static string Org(Guid organization) => organization.ToString();

    /// <summary>Usage's user value: the principal of a user's key.</summary>
    public static string User(Guid user) => $"user:{user}";

    private static async Task<List<string>> TeamKeysAsync(AdminActor actor, List<Guid> teams, PolicyDbContext db, CancellationToken cancellationToken)
    {
        var accounts = await db.ServiceAccounts.Where(a => teams.Contains(a.TeamId)).Select(a => a.Id).ToListAsync(cancellationToken);
        return await KeyValuesAsync(db.VirtualKeys
            .Where(k => (k.OwnerTeamId != null && teams.Contains(k.OwnerTeamId.Value)) || k.OwnerUserId == actor.UserId ||
                (k.OwnerServiceAccountId != null && accounts.Contains(k.OwnerServiceAccountId.Value))), cancellationToken);
    }

    /// <summary>The usage key values of <paramref name="keys"/>: usage names a stored key by its id (<c>KeyGrant.KeyId</c>).</summary>
    private static async Task<List<string>> KeyValuesAsync(IQueryable<VirtualKey> keys, CancellationToken cancellationToken) =>
        [.. (await keys.Select(k => k.Id).ToListAsync(cancellationToken)).Select(id => id.ToString())];
}
