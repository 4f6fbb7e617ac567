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

    private static Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string? organizationId, string? limit, string? cursor) =>
        AdminList.OwnedAsync(http, databases, db => db.ModelAccessGroups, organizationId, limit, cursor, View);

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (group, _) = await AdminLookup.FindAsync(http, db.ModelAccessGroups, id, AdminOperation.Read, g => new AdminTarget(g.OrganizationId));

        // Any refusal reads as not found here, the same answer for every group the actor may not read.
        return group is null ? AdminProblems.NotFound : TypedResults.Ok(View(group));
    }

    private static async Task<IResult> DefineAsync(HttpContext http, AdminBody body, KeyAdministration keys)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<DefineAccessGroupRequest>(http, AdminOperation.ManageAccessGroups);
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
