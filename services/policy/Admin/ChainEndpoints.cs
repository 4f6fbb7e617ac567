using AiMesh.Contracts.Prompts;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/chains/{name}</c>: prompt chains (issue 7), stored in the prompt registry and asked for over the bus as
/// <see cref="PromptEndpoints"/> does. RBAC as for prompts: <see cref="AdminOperation.ReadPrompts"/> to read,
/// <see cref="AdminOperation.ManagePrompts"/> to save or delete, within the chain's organization (a chain of the whole
/// deployment: admins only; another tenant's chain is 404 like one that does not exist).
/// </summary>
internal static class ChainEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/chains").WithTags("chains").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{name}", GetAsync).Produces<ChainDetail>();
        group.MapPut("/{name}", SaveAsync).Produces<ChainDetail>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/{name}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> GetAsync(HttpContext http, IBus bus, string name)
    {
        var (chain, problem) = await FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        return chain is null ? problem! : TypedResults.Ok(chain);
    }

    private static async Task<IResult> SaveAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, AdminBody body, string name)
    {
        var (request, invalid) = await body.ReadForAsync<SaveChainRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        if (request.Steps is not { Count: > 0 })
        {
            return AdminProblems.Invalid("steps", "at least one step is required.");
        }

        var actor = AdminActor.Of(http);
        var (existing, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        string? organization;
        if (existing is not null)
        {
            organization = existing.OrganizationId;
        }
        else if (problem is NotFoundChain)
        {
            // A new chain: whose it is decided as for a new prompt.
            var owner = request.OrganizationId ?? (AdminRules.SeesAllOrganizations(actor) ? null : actor.OrganizationId);
            var verdict = owner is { } id
                ? AdminRules.Decide(actor, AdminOperation.ManagePrompts, new AdminTarget(id))
                : AdminRules.SeesAllOrganizations(actor) ? AdminVerdict.Allowed : AdminVerdict.Forbidden;
            if (verdict != AdminVerdict.Allowed)
            {
                return AdminProblems.Of(verdict);
            }

            organization = owner?.ToString();
        }
        else
        {
            return problem!;
        }

        var save = new SaveChain(NewId.NextGuid(), name, organization, request.Model, request.Steps, actor.Name);
        var (saved, failed) = await PromptEndpoints.AskAsync<SaveChain, ChainFound>(bus, save, http.RequestAborted);
        if (saved is null)
        {
            return failed!;
        }

        await RegistryAudit.SaveAsync(http, databases, time, "chain.saved", "chain", name, organization, existing, saved.Chain);
        return TypedResults.Ok(saved.Chain);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name)
    {
        var (chain, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (chain is null)
        {
            return problem is NotFoundChain ? AdminProblems.NotFound : problem!;
        }

        var (_, failed) = await PromptEndpoints.AskAsync<DeleteChain, ChainDeleted>(bus, new DeleteChain(NewId.NextGuid(), name), http.RequestAborted);
        if (failed is not null)
        {
            return failed;
        }

        await RegistryAudit.SaveAsync(http, databases, time, "chain.deleted", "chain", name, chain.OrganizationId, chain, null);
        return TypedResults.NoContent();
    }

    /// <summary>The chain, when the actor may do <paramref name="operation"/> to it; else the answer to give (403, 404, 503).</summary>
    private static async Task<(ChainDetail? Chain, IResult? Problem)> FindAsync(HttpContext http, IBus bus, string name, AdminOperation operation)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, operation))
        {
            return (null, AdminProblems.Forbidden());
        }

        var (found, problem) = await PromptEndpoints.AskAsync<GetChain, ChainFound>(bus, new GetChain(NewId.NextGuid(), name), http.RequestAborted);
        if (found is null)
        {
            return (null, problem is IStatusCodeHttpResult { StatusCode: StatusCodes.Status404NotFound } ? NotFoundChain.Instance : problem);
        }

        var organization = Guid.TryParse(found.Chain.OrganizationId, out var id) ? id : Guid.Empty;
        var verdict = AdminRules.Decide(actor, operation, new AdminTarget(organization));
        return verdict == AdminVerdict.Allowed ? (found.Chain, null) : (null, AdminProblems.Of(verdict));
    }

    /// <summary>No such chain (as opposed to one the actor may not see): the one fixed 404, and for a PUT, a new chain.</summary>
    private sealed class NotFoundChain : IResult, IStatusCodeHttpResult
    {
        public static readonly NotFoundChain Instance = new();

        public int? StatusCode => StatusCodes.Status404NotFound;

        public Task ExecuteAsync(HttpContext httpContext) => AdminProblems.NotFound.ExecuteAsync(httpContext);
    }
}
