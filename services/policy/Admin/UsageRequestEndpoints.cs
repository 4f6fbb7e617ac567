using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>GET /admin/usage/requests/{requestId}</c>: one request's usage event and, when body logging kept them, its
/// bodies (redacted by the ingress). Policy asks metering (<see cref="FindUsageRecord"/> on
/// <c>aimesh-metering-queries</c>), then shows it only to an actor whose usage reach covers the request's key, team or
/// user (<see cref="AdminUsageScope"/>); anything else, like a request metering does not hold, is 404. Every read that
/// is answered is a read of sensitive data and appends an audit entry (<c>usage.request_read</c>) before the answer
/// leaves: no audit, no answer.
/// </summary>
internal static class UsageRequestEndpoints
{
    public static void Map(RouteGroupBuilder usage) =>
        usage.MapGet("/requests/{requestId}", ReadAsync).Produces<UsageRequestView>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, IBus bus, TimeProvider time, string requestId)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadUsage))
        {
            return AdminProblems.Forbidden();
        }

        if (!AdminQuery.TryRouteId(requestId, out var id))
        {
            return AdminProblems.NotFound;
        }

        var client = bus.CreateRequestClient<FindUsageRecord>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)UsageEndpoints.AskTimeout.TotalSeconds));
        UsageRecordFound found;
        try
        {
            found = (await client.GetResponse<UsageRecordFound>(new FindUsageRecord(NewId.NextGuid(), id), http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "Usage is not available: metering did not answer; retry shortly.");
        }

        if (found.Record is not { } record)
        {
            return AdminProblems.NotFound;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        if (!await MaySeeAsync(actor, record, db, http.RequestAborted))
        {
            return AdminProblems.NotFound;
        }

        var organization = Guid.TryParse(record.OrganizationId, out var org) ? org : (Guid?)null;
        var read = new { record.RequestId, record.KeyId, record.TeamId, Bodies = record.Bodies is not null };
        await AuditTrail.SaveAsync(db, actor.Audit, new AuditChange("usage.request_read", "usage_request", id.ToString(), organization, null, read), time.GetUtcNow(), http.RequestAborted);
        return TypedResults.Ok(new UsageRequestView(record with { Bodies = null }, found.RecordedAt, record.Bodies, found.BodiesStoredAt));
    }

    /// <summary>Whether the request's key, team or user is one whose usage the actor may read.</summary>
    private static async Task<bool> MaySeeAsync(AdminActor actor, RecordUsage record, PolicyDbContext db, CancellationToken cancellationToken)
    {
        if (AdminRules.ReachOf(actor.Role, AdminOperation.ReadUsage) == AdminReach.All)
        {
            return true;
        }

        foreach (var (dimension, value) in new[] { ("key", record.KeyId), ("team", record.TeamId), ("user", (string?)record.PrincipalId) })
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var (allowed, values) = await AdminUsageScope.ValuesAsync(actor, dimension, [value], db, cancellationToken);
            if (allowed && values is { Count: > 0 })
            {
                return true;
            }
        }

        return false;
    }
}
