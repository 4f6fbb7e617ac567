using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/organizations</c>: tenants. Only an admin creates one; everyone else sees its own.</summary>
internal static class OrganizationEndpoints
{
    public static void Map(RouteGroupBuilder admin) =>
        AdminRoutes.MapCollection<OrganizationView, CreateOrganizationRequest>(admin, "/organizations", "organizations", ListAsync, GetAsync, CreateAsync);

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

        return TypedResults.Ok(await AdminList.PageAsync(query, paging, OrganizationView.Of, http.RequestAborted));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (organization, refusal) = await AdminLookup.FindAsync(http, db.Organizations, id, AdminOperation.Read, o => new AdminTarget(o.Id));
        return organization is null ? refusal! : TypedResults.Ok(OrganizationView.Of(organization));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<CreateOrganizationRequest>(http, AdminOperation.ManageOrganizations);
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
