using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Prompts;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Prompt experiments (issue 7): <c>PUT</c> and <c>DELETE /admin/prompts/{name}/labels/{label}/split</c> start, change
/// and end a split of a label's requests between versions (<see cref="AdminOperation.ManagePrompts"/>, asked of the
/// prompts service like every registry write, then audited as <c>prompt.split_set</c> / <c>prompt.split_ended</c>), and
/// <c>GET /admin/prompts/{name}/stats</c> shows each version's figures (<see cref="AdminOperation.ReadPrompts"/>, asked
/// of metering: <see cref="QueryPromptStats"/>). The audit entry follows the change: the registry is another service's
/// database, so the two cannot share a transaction, and an entry is written only for a change that happened.
/// </summary>
internal static class PromptExperimentEndpoints
{
    public static void Map(RouteGroupBuilder prompts)
    {
        prompts.MapPut("/{name}/labels/{label}/split", SetAsync).Produces<PromptSplitDetail>().ProducesProblem(StatusCodes.Status400BadRequest);
        prompts.MapDelete("/{name}/labels/{label}/split", EndAsync).Produces(StatusCodes.Status204NoContent);
        prompts.MapGet("/{name}/stats", StatsAsync).Produces<PromptStatsReport>();
    }

    private static async Task<IResult> SetAsync(
        HttpContext http, IBus bus, AdminBody body, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name, string label)
    {
        var (request, invalid) = await body.ReadForAsync<SetPromptSplitRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        if (request.Versions is not { Count: > 0 } versions || versions.Any(v => v is null))
        {
            return AdminProblems.Invalid("versions", "at least one {version, percent} is required; DELETE the split to end it.");
        }

        var (prompt, problem) = await PromptEndpoints.FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var actor = AdminActor.Of(http);
        var (set, failed) = await PromptEndpoints.AskAsync<SetPromptSplit, PromptSplitSet>(
            bus, new SetPromptSplit(NewId.NextGuid(), prompt.Name, label, versions, actor.Name), http.RequestAborted);
        if (set?.Split is not { } split)
        {
            return failed!;
        }

        await AuditAsync(http, databases, time, "prompt.split_set", prompt, label, split);
        return TypedResults.Ok(split);
    }

    private static async Task<IResult> EndAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name, string label)
    {
        var (prompt, problem) = await PromptEndpoints.FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var before = prompt.Splits?.FirstOrDefault(s => s.Label == label);
        var (ended, failed) = await PromptEndpoints.AskAsync<SetPromptSplit, PromptSplitSet>(
            bus, new SetPromptSplit(NewId.NextGuid(), prompt.Name, label, [], AdminActor.Of(http).Name), http.RequestAborted);
        if (ended is null)
        {
            return failed!;
        }

        await AuditAsync(http, databases, time, "prompt.split_ended", prompt, label, null, before);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// <c>from</c> and <c>to</c> (ISO 8601; default the last 24 hours; requests by when they finished). An actor who does
    /// not see every organization sees only its own organization's requests, even of a prompt of the whole deployment.
    /// </summary>
    private static async Task<IResult> StatsAsync(HttpContext http, IBus bus, TimeProvider time, string name, string? from, string? to)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadPrompts))
        {
            return AdminProblems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (start, end) = UsageEndpoints.Period(from, to, time, errors);
        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        var (prompt, problem) = await PromptEndpoints.FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var organization = AdminRules.SeesAllOrganizations(actor) ? null : actor.OrganizationId.ToString();
        var client = bus.CreateRequestClient<QueryPromptStats>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)UsageEndpoints.AskTimeout.TotalSeconds));
        PromptStatsReport report;
        try
        {
            report = (await client.GetResponse<PromptStatsReport>(new QueryPromptStats(NewId.NextGuid(), prompt.Name, start, end, organization), http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return UsageEndpoints.MeteringUnavailable;
        }

        return report.Error is { } error ? AdminProblems.Invalid("period", error) : TypedResults.Ok(report);
    }

    private static async Task AuditAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string operation, PromptDetail prompt, string label,
        PromptSplitDetail? after, PromptSplitDetail? before = null)
    {
        var organization = Guid.TryParse(prompt.OrganizationId, out var id) ? id : (Guid?)null;
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        await AuditTrail.SaveAsync(
            db, AdminActor.Of(http).Audit, new AuditChange(operation, "prompt_split", $"{prompt.Name}/{label}", organization, before, after), time.GetUtcNow(), http.RequestAborted);
    }
}
