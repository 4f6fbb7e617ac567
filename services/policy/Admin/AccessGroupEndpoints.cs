using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/access-groups</c>: named model sets of an organization. Defining one is granting: every key naming the
/// group gets its models, so the models must be within what the actor's own key may use.
/// </summary>
internal static class AccessGroupEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/access-groups").WithTags("access-groups");
        group.MapGet("/", ListAsync).Produces<AdminPage<AccessGroupView>>();
        group.MapGet("/{id}", GetAsync).Produces<AccessGroupView>();
        group.MapPost("/", DefineAsync).Accepts<DefineAccessGroupRequest>("application/json").Produces<AccessGroupView>();
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? organizationId, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var organization = AdminQuery.Id(organizationId, "organizationId", errors);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var query = db.ModelAccessGroups.AsQueryable();
        if (!AdminRules.SeesAllOrganizations(actor))
        {
            query = query.Where(g => g.OrganizationId == actor.OrganizationId);
        }

        if (organization is { } org)
        {
            query = query.Where(g => g.OrganizationId == org);
        }

        if (paging.After is { } after)
        {
            query = query.Where(g => g.Id.CompareTo(after) > 0);
        }

        var items = await query.OrderBy(g => g.Id).Take(paging.Limit + 1).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(paging.Page(items, g => g.Id, View));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        var actor = AdminActor.Of(http);
        if (!AdminQuery.TryRouteId(id, out var groupId))
        {
            return AdminProblems.NotFound;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var group = await db.ModelAccessGroups.FirstOrDefaultAsync(g => g.Id == groupId, http.RequestAborted);
        return group is not null && AdminRules.Decide(actor, AdminOperation.Read, new AdminTarget(group.OrganizationId)) == AdminVerdict.Allowed
            ? TypedResults.Ok(View(group))
            : AdminProblems.NotFound;
    }

    private static async Task<IResult> DefineAsync(HttpContext http, AdminBody body, KeyAdministration keys)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ManageAccessGroups))
        {
            return AdminProblems.Forbidden();
        }

        var (request, problem) = await body.ReadAsync<DefineAccessGroupRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        if (request.Models is null)
        {
            return AdminProblems.Invalid("models", "must list the group's models.");
        }

        var organizationId = request.OrganizationId ?? actor.OrganizationId;
        var verdict = AdminRules.Decide(actor, AdminOperation.ManageAccessGroups, new AdminTarget(organizationId));
        if (verdict == AdminVerdict.NotFound)
        {
            return AdminProblems.Invalid("organizationId", "no such organization.");
        }

        if (verdict != AdminVerdict.Allowed)
        {
            return AdminProblems.Of(verdict);
        }

        if (!AdminRules.GrantsWithin(actor, request.Models))
        {
            return AdminProblems.Forbidden("The group's models must be within those your own key may use.");
        }

        var result = await keys.DefineAccessGroupAsync(organizationId, request.Name ?? "", request.Models, actor.Audit, http.RequestAborted);
        return result.Failure?.Kind == AdminFailureKind.NotFound
            ? AdminProblems.Invalid("organizationId", "no such organization.")
            : AdminProblems.Result(result);
    }

    private static AccessGroupView View(ModelAccessGroup g) => new(g.Id, g.OrganizationId, g.Name, g.Models);
}
