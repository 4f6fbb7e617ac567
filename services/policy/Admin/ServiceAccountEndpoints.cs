using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/service-accounts</c>: non-human callers, each owned by a team.</summary>
internal static class ServiceAccountEndpoints
{
    public static void Map(RouteGroupBuilder admin) =>
        AdminRoutes.MapCollection<ServiceAccountView, CreateServiceAccountRequest>(admin, "/service-accounts", "service-accounts", ListAsync, GetAsync, CreateAsync);

    private static async Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? teamId, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var team = AdminQuery.Id(teamId, "teamId", errors);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var query = db.ServiceAccounts.AsQueryable();
        if (!AdminRules.SeesAllOrganizations(actor))
        {
            query = query.Where(a => db.Teams.Any(t => t.Id == a.TeamId && t.OrganizationId == actor.OrganizationId));
        }

        if (team is { } t)
        {
            query = query.Where(a => a.TeamId == t);
        }

        return TypedResults.Ok(await AdminList.PageAsync(query, paging, ServiceAccountView.Of, http.RequestAborted));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        var actor = AdminActor.Of(http);
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        if (!AdminQuery.TryRouteId(id, out var accountId))
        {
            return AdminProblems.NotFound;
        }

        var found = await db.ServiceAccounts.Where(a => a.Id == accountId)
            .Join(db.Teams, a => a.TeamId, t => t.Id, (a, t) => new { Account = a, t.OrganizationId })
            .FirstOrDefaultAsync(http.RequestAborted);
        return found is not null && AdminRules.Decide(actor, AdminOperation.Read, new AdminTarget(found.OrganizationId, found.Account.TeamId)) == AdminVerdict.Allowed
            ? TypedResults.Ok(ServiceAccountView.Of(found.Account))
            : AdminProblems.NotFound;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<CreateServiceAccountRequest>(http, AdminOperation.ManageServiceAccounts);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        validation.Text("name", request.Name);
        if (request.TeamId is null)
        {
            validation.Add("teamId", "must name the team that owns the account.");
        }

        if (!validation.IsValid)
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == request.TeamId, http.RequestAborted);
        var verdict = team is null ? AdminVerdict.NotFound : AdminRules.Decide(actor, AdminOperation.ManageServiceAccounts, new AdminTarget(team.OrganizationId, team.Id));
        if (verdict == AdminVerdict.NotFound)
        {
            return AdminProblems.Invalid("teamId", "no such team.");
        }

        if (verdict != AdminVerdict.Allowed)
        {
            return AdminProblems.Of(verdict);
        }

        var account = new ServiceAccount { Id = NewId.NextGuid(), TeamId = team!.Id, Name = request.Name!, CreatedAt = time.GetUtcNow() };
        db.ServiceAccounts.Add(account);
        if (await AdminStore.SaveAsync(
                db, actor, new AuditChange("service_account.create", "service_account", account.Id.ToString(), team.OrganizationId, null, ServiceAccountView.Of(account)), account.CreatedAt, "A service account with this name in the team", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        return TypedResults.Created($"/admin/service-accounts/{account.Id}", ServiceAccountView.Of(account));
    }
}
