using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Idempotent append: insert (through <see cref="UsageBatchWriter"/>, which commits concurrent rows together), and let
/// the unique request id refuse a second row. Never check-then-insert: two deliveries of the same request racing
/// would both see "absent" and both insert.
/// <para>
/// One for the process, safe to call concurrently: the writer is, and only the duplicate path reads the store, on a
/// context of its own. A record waiting for its group commit holds no database context (under load thousands wait
/// at once: the endpoint's prefetch times the batch size).
/// </para>
/// </summary>
internal sealed class UsageLog(
    UsageBatchWriter writer,
    IServiceScopeFactory scopes,
    SchemaState schema,
    TimeProvider time,
    MeteringMetrics metrics,
    ILogger<UsageLog> logger) : IUsageLog
{
    public async Task<UsageMetered> AppendAsync(RecordUsage usage, CancellationToken cancellationToken)
    {
        var usageEvent = usage.ToUsageEvent(time.GetUtcNow());
        schema.ThrowIfNotReady();

        if (await writer.InsertAsync(usageEvent, cancellationToken, usage.Bodies))
        {
            MeteringLog.UsageStored(logger, usageEvent.RequestId, usageEvent.EventId, usageEvent.Sequence);
            metrics.Stored(usage.FinishedAt, time.GetUtcNow());
            return usageEvent.ToUsageMetered();
        }

        await using var scope = scopes.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<UsageQueries>();
        var stored = await queries.FindByRequestIdAsync(usage.RequestId, cancellationToken)
            ?? throw new InvalidOperationException($"Request {usage.RequestId} was refused by the unique request id but no stored event was found.");
        if (stored.Source == UsageSources.Router)
        {
            // Metering gave up waiting and wrote the event from the router's report: this record is ignored like any
            // duplicate, and counted apart, since it means the grace was too short for this ingress.
            MeteringLog.UsageLate(logger, stored.RequestId, stored.EventId);
            metrics.Late();
        }
        else
        {
            MeteringLog.UsageAlreadyStored(logger, stored.RequestId, stored.EventId, stored.Sequence);
        }

        metrics.Duplicate();
        return stored.ToUsageMetered();
    }
}
