using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/organizations</c>: tenants. Only an admin creates one; everyone else sees its own.</summary>
internal static class OrganizationEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/organizations").WithTags("organizations");
        group.MapGet("/", ListAsync).Produces<AdminPage<OrganizationView>>();
        group.MapGet("/{id}", GetAsync).Produces<OrganizationView>();
        group.MapPost("/", CreateAsync).Accepts<CreateOrganizationRequest>("application/json").Produces<OrganizationView>(StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var query = db.Organizations.AsQueryable();
        if (!AdminRules.SeesAllOrganizations(actor))
        {
            query = query.Where(o => o.Id == actor.OrganizationId);
        }

        if (paging.After is { } after)
        {
            query = query.Where(o => o.Id.CompareTo(after) > 0);
        }

        var items = await query.OrderBy(o => o.Id).Take(paging.Limit + 1).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(paging.Page(items, o => o.Id, OrganizationView.Of));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        var actor = AdminActor.Of(http);
        if (!AdminQuery.TryRouteId(id, out var organizationId))
        {
            return AdminProblems.NotFound;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Id == organizationId, http.RequestAborted);
        if (organization is null)
        {
            return AdminProblems.NotFound;
        }

        var verdict = AdminRules.Decide(actor, AdminOperation.Read, new AdminTarget(organization.Id));
        return verdict == AdminVerdict.Allowed ? TypedResults.Ok(OrganizationView.Of(organization)) : AdminProblems.Of(verdict);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ManageOrganizations))
        {
            return AdminProblems.Forbidden();
        }

        var (request, problem) = await body.ReadAsync<CreateOrganizationRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        if (!validation.Text("name", request.Name))
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var organization = new Organization { Id = NewId.NextGuid(), Name = request.Name!, CreatedAt = time.GetUtcNow() };
        db.Organizations.Add(organization);
        if (await AdminStore.SaveAsync(
                db, actor, new AuditChange("organization.create", "organization", organization.Id.ToString(), organization.Id, null, OrganizationView.Of(organization)), organization.CreatedAt, "An organization with this name", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        return TypedResults.Created($"/admin/organizations/{organization.Id}", OrganizationView.Of(organization));
    }
}
