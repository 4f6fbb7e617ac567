using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/teams</c>: teams of an organization and their members.</summary>
internal static class TeamEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = AdminRoutes.MapCollection<TeamView, CreateTeamRequest>(admin, "/teams", "teams", ListAsync, GetAsync, CreateAsync);
        group.MapPatch("/{id}", UpdateAsync).Accepts<UpdateTeamRequest>("application/json").Produces<TeamView>();
        group.MapGet("/{id}/members", ListMembersAsync).Produces<AdminPage<MembershipView>>();
        group.MapPut("/{id}/members/{userId}", AddMemberAsync).Produces<MembershipView>();
        group.MapDelete("/{id}/members/{userId}", RemoveMemberAsync).Produces(StatusCodes.Status204NoContent);
    }

    private static Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? organizationId, string? limit, string? cursor) =>
        AdminList.OwnedAsync(http, databases, db => db.Teams, organizationId, limit, cursor, TeamView.Of);

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (team, refusal) = await FindAsync(http, db, id, AdminOperation.Read);
        return team is null ? refusal! : TypedResults.Ok(TeamView.Of(team));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<CreateTeamRequest>(http, AdminOperation.ManageTeams);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        if (!validation.Text("name", request.Name))
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        var organizationId = request.OrganizationId ?? actor.OrganizationId;
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, http.RequestAborted))
        {
            return AdminProblems.Invalid("organizationId", "no such organization.");
        }

        var verdict = AdminRules.Decide(actor, AdminOperation.ManageTeams, new AdminTarget(organizationId));
        if (verdict != AdminVerdict.Allowed)
        {
            // Another tenant's organization reads as one that does not exist, the same answer as above.
            return verdict == AdminVerdict.NotFound ? AdminProblems.Invalid("organizationId", "no such organization.") : AdminProblems.Of(verdict);
        }

        var team = new Team { Id = NewId.NextGuid(), OrganizationId = organizationId, Name = request.Name!, CreatedAt = time.GetUtcNow(), LogBodies = request.LogBodies ?? false };
        db.Teams.Add(team);
        if (await AdminStore.SaveAsync(
                db, actor, new AuditChange("team.create", "team", team.Id.ToString(), organizationId, null, TeamView.Of(team)), team.CreatedAt, "A team with this name in the organization", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        return TypedResults.Created($"/admin/teams/{team.Id}", TeamView.Of(team));
    }

    /// <summary>
    /// Changes a team's settings (body logging, tags and data-residency regions, which apply to every key of the team),
    /// by whoever may manage the team; regions only within the actor's own (<see cref="AdminRules.RegionsWithin"/>).
    /// Audited as <c>team.update</c>, then applied to every replica's keys like a key change.
    /// </summary>
    private static async Task<IResult> UpdateAsync(
        HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, StoredKeys keys, IPublishEndpoint publish, TimeProvider time, ILoggerFactory loggers, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (found, refusal) = await FindAsync(http, db, id, AdminOperation.ManageTeams);
        if (found is null)
        {
            return refusal!;
        }

        var (update, problem) = await body.ReadAsync<UpdateTeamRequest>(http);
        if (update is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        validation.Tags("tags", update.Tags);
        validation.Names("regions", update.Regions);
        if (!validation.IsValid)
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        if (update.Regions is { } asked && !AdminRules.RegionsWithin(AdminActor.Of(http), asked))
        {
            return AdminProblems.Forbidden(KeyEndpoints.RegionsRefused);
        }

        // Read again inside the audit's write transaction, so the entry's "before" is exactly the state it changed.
        await using var transaction = await AuditTrail.BeginAsync(db, http.RequestAborted);
        var team = await db.Teams.AsTracking().FirstAsync(t => t.Id == found.Id, http.RequestAborted);
        var before = TeamView.Of(team);
        team.LogBodies = update.LogBodies ?? team.LogBodies;
        team.Tags = update.Tags is null ? team.Tags : new Dictionary<string, string>(update.Tags, StringComparer.Ordinal);
        team.Regions = KeyAdministration.Regions(update.Regions) ?? team.Regions;
        if (TeamView.Of(team) is var after && (after.LogBodies != before.LogBodies || !after.Tags.OrderBy(t => t.Key).SequenceEqual(before.Tags.OrderBy(t => t.Key))
            || !after.Regions.SequenceEqual(before.Regions)))
        {
            if (await AdminStore.SaveAsync(
                    db, AdminActor.Of(http), new AuditChange("team.update", "team", team.Id.ToString(), team.OrganizationId, before, TeamView.Of(team)), time.GetUtcNow(), "A team with this name in the organization", http.RequestAborted) is { } failure)
            {
                return AdminProblems.Of(failure);
            }

            // This replica at once, the others when the event reaches them (bound: the key reload interval).
            await keys.ReloadTeamAsync(team.Id, http.RequestAborted);
            try
            {
                await publish.Publish(new TeamChanged(team.Id), http.RequestAborted);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
            {
                PolicyLog.ChangeNotAnnounced(loggers.CreateLogger(typeof(TeamEndpoints)), exception, nameof(TeamChanged));
            }
        }

        return TypedResults.Ok(TeamView.Of(team));
    }

    private static async Task<IResult> ListMembersAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id, string? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (team, refusal) = await FindAsync(http, db, id, AdminOperation.Read);
        if (team is null)
        {
            return refusal!;
        }

        var query = db.TeamMemberships.Where(m => m.TeamId == team.Id);
        if (paging.After is { } after)
        {
            query = query.Where(m => m.UserId.CompareTo(after) > 0);
        }

        var items = await query.OrderBy(m => m.UserId).Take(paging.Limit + 1).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(paging.Page(items, m => m.UserId, m => new MembershipView(m.TeamId, m.UserId)));
    }

    private static async Task<IResult> AddMemberAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string id, string userId)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (team, user, refusal) = await FindMembershipAsync(http, db, id, userId);
        if (team is null || user is null)
        {
            return refusal!;
        }

        if (!await db.TeamMemberships.AnyAsync(m => m.TeamId == team.Id && m.UserId == user.Id, http.RequestAborted))
        {
            db.TeamMemberships.Add(new TeamMembership { TeamId = team.Id, UserId = user.Id });

            // Two adds racing: the second meets the primary key, and the membership exists either way.
            var membership = new MembershipView(team.Id, user.Id);
            await AdminStore.SaveAsync(
                db, AdminActor.Of(http), new AuditChange("team.member_add", "membership", $"{team.Id}/{user.Id}", team.OrganizationId, null, membership), time.GetUtcNow(), "This membership", http.RequestAborted);
        }

        return TypedResults.Ok(new MembershipView(team.Id, user.Id));
    }

    private static async Task<IResult> RemoveMemberAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string id, string userId)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (team, user, refusal) = await FindMembershipAsync(http, db, id, userId);
        if (team is null || user is null)
        {
            return refusal!;
        }

        var membership = await db.TeamMemberships.AsTracking().FirstOrDefaultAsync(m => m.TeamId == team.Id && m.UserId == user.Id, http.RequestAborted);
        if (membership is null)
        {
            return AdminProblems.NotFound;
        }

        db.TeamMemberships.Remove(membership);
        await AdminStore.SaveAsync(
            db, AdminActor.Of(http), new AuditChange("team.member_remove", "membership", $"{team.Id}/{user.Id}", team.OrganizationId, new MembershipView(team.Id, user.Id), null), time.GetUtcNow(), "This membership", http.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>The team, if the actor may see it and do <paramref name="operation"/> to it; else the answer to give.</summary>
    internal static Task<(Team? Team, IResult? Refusal)> FindAsync(HttpContext http, PolicyDbContext db, string id, AdminOperation operation) =>
        AdminLookup.FindAsync(http, db.Teams, id, operation, t => new AdminTarget(t.OrganizationId, t.Id));

    /// <summary>
    /// The team and user of a membership change: both visible, in the same organization, and the team one whose
    /// memberships the actor manages. A user never changes its own memberships (that would widen its own reach).
    /// </summary>
    private static async Task<(Team? Team, User? User, IResult? Refusal)> FindMembershipAsync(HttpContext http, PolicyDbContext db, string id, string userId)
    {
        var actor = AdminActor.Of(http);
        var (team, refusal) = await FindAsync(http, db, id, AdminOperation.Read);
        if (team is null)
        {
            return (null, null, refusal);
        }

        if (!AdminQuery.TryRouteId(userId, out var uid) ||
            await db.Users.FirstOrDefaultAsync(u => u.Id == uid, http.RequestAborted) is not { } user ||
            AdminRules.Decide(actor, AdminOperation.Read, new AdminTarget(user.OrganizationId)) != AdminVerdict.Allowed)
        {
            return (null, null, AdminProblems.NotFound);
        }

        var verdict = AdminRules.Decide(actor, AdminOperation.ManageMemberships, new AdminTarget(team.OrganizationId, team.Id));
        if (verdict != AdminVerdict.Allowed)
        {
            return (null, null, AdminProblems.Of(verdict));
        }

        if (user.OrganizationId != team.OrganizationId)
        {
            return (null, null, AdminProblems.Invalid("userId", "the user is not in the team's organization."));
        }

        if (user.Id == actor.UserId || !AdminRules.MayGiveRole(actor, user.Role))
        {
            return (null, null, AdminProblems.Forbidden("You cannot change your own memberships or those of a user above your role."));
        }

        return (team, user, null);
    }
}
