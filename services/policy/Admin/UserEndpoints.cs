using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/users</c>: people, their role and (read-only here) their teams; memberships change under <c>/admin/teams</c>.</summary>
internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = AdminRoutes.MapCollection<UserView, CreateUserRequest>(admin, "/users", "users", ListAsync, GetAsync, CreateAsync);
        group.MapPut("/{id}/role", ChangeRoleAsync).Accepts<ChangeRoleRequest>("application/json").Produces<UserView>();
        group.MapGet("/{id}/teams", ListTeamsAsync).Produces<AdminPage<MembershipView>>();
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? organizationId, string? role, string? teamId, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var organization = AdminQuery.Id(organizationId, "organizationId", errors);
        var team = AdminQuery.Id(teamId, "teamId", errors);
        if (role is not null && !Roles.All.Contains(role))
        {
            errors["role"] = [$"must be one of {string.Join(", ", Roles.All)}."];
        }

        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var query = AdminList.Visible(db.Users, actor, organization);
        if (role is not null)
        {
            query = query.Where(u => u.Role == role);
        }

        if (team is { } t)
        {
            query = query.Where(u => db.TeamMemberships.Any(m => m.UserId == u.Id && m.TeamId == t));
        }

        return TypedResults.Ok(await AdminList.PageAsync(query, paging, UserView.Of, http.RequestAborted));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var user = await FindAsync(http, db, id);
        return user is null ? AdminProblems.NotFound : TypedResults.Ok(UserView.Of(user));
    }

    private static async Task<IResult> ListTeamsAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id, string? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        if (await FindAsync(http, db, id) is not { } user)
        {
            return AdminProblems.NotFound;
        }

        var query = db.TeamMemberships.Where(m => m.UserId == user.Id);
        if (paging.After is { } after)
        {
            query = query.Where(m => m.TeamId.CompareTo(after) > 0);
        }

        var items = await query.OrderBy(m => m.TeamId).Take(paging.Limit + 1).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(paging.Page(items, m => m.TeamId, m => new MembershipView(m.TeamId, m.UserId)));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<CreateUserRequest>(http, AdminOperation.ManageUsers);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        validation.Text("email", request.Email);
        CheckRole(validation, request.Role);
        if (!validation.IsValid)
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        var organizationId = request.OrganizationId ?? actor.OrganizationId;
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var verdict = AdminRules.Decide(actor, AdminOperation.ManageUsers, new AdminTarget(organizationId));
        if (verdict == AdminVerdict.NotFound || !await db.Organizations.AnyAsync(o => o.Id == organizationId, http.RequestAborted))
        {
            return AdminProblems.Invalid("organizationId", "no such organization.");
        }

        if (verdict != AdminVerdict.Allowed || !AdminRules.MayGiveRole(actor, request.Role!))
        {
            return AdminProblems.Forbidden("You cannot give a role above your own.");
        }

        var user = new User { Id = NewId.NextGuid(), OrganizationId = organizationId, Email = request.Email!, Role = request.Role!, CreatedAt = time.GetUtcNow() };
        db.Users.Add(user);
        if (await AdminStore.SaveAsync(
                db, actor, new AuditChange("user.create", "user", user.Id.ToString(), organizationId, null, UserView.Of(user)), user.CreatedAt, "A user with this email", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        return TypedResults.Created($"/admin/users/{user.Id}", UserView.Of(user));
    }

    private static async Task<IResult> ChangeRoleAsync(HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string id)
    {
        var actor = AdminActor.Of(http);

        // The body first: nothing below may wait on the client while it holds the write lock.
        var (request, problem) = await body.ReadAsync<ChangeRoleRequest>(http);
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        await using var transaction = await AuditTrail.BeginAsync(db, http.RequestAborted);
        if (await FindAsync(http, db, id, tracking: true) is not { } user)
        {
            return AdminProblems.NotFound;
        }

        if (user.Id == actor.UserId)
        {
            return AdminProblems.Forbidden("You cannot change your own role.");
        }

        if (AdminRules.DecideUserChange(actor, user) is var verdict and not AdminVerdict.Allowed)
        {
            return AdminProblems.Of(verdict);
        }

        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        if (!CheckRole(validation, request.Role))
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        if (!AdminRules.MayGiveRole(actor, request.Role!))
        {
            return AdminProblems.Forbidden("You cannot give a role above your own.");
        }

        var before = UserView.Of(user);
        user.Role = request.Role!;
        await AdminStore.SaveAsync(
            db, actor, new AuditChange("user.role_change", "user", user.Id.ToString(), user.OrganizationId, before, UserView.Of(user)), time.GetUtcNow(), "This user", http.RequestAborted);
        return TypedResults.Ok(UserView.Of(user));
    }

    private static bool CheckRole(KeyValidation validation, string? role)
    {
        if (role is null || !Roles.All.Contains(role))
        {
            validation.Add("role", $"must be one of {string.Join(", ", Roles.All)}.");
            return false;
        }

        return true;
    }

    /// <summary>The user, if visible to the actor (its own organization, or any for an admin).</summary>
    private static async Task<User?> FindAsync(HttpContext http, PolicyDbContext db, string id, bool tracking = false)
    {
        var (user, _) = await AdminLookup.FindAsync(
            http, tracking ? db.Users.AsTracking() : db.Users, id, AdminOperation.Read, u => new AdminTarget(u.OrganizationId));
        return user;
    }
}
