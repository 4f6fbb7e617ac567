using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Idempotent append: insert (through <see cref="UsageBatchWriter"/>, which commits concurrent rows together), and let
/// the unique request id refuse a second row. Never check-then-insert: two deliveries of the same request racing
/// would both see "absent" and both insert.
/// </summary>
internal sealed class UsageLog(
    UsageBatchWriter writer,
    UsageQueries queries,
    SchemaState schema,
    TimeProvider time,
    ILogger<UsageLog> logger) : IUsageLog
{
    public async Task<UsageMetered> AppendAsync(RecordUsage usage, CancellationToken cancellationToken)
    {
        var usageEvent = usage.ToUsageEvent(time.GetUtcNow());
        schema.ThrowIfNotReady();

        try
        {
            await writer.InsertAsync(usageEvent, cancellationToken);
            MeteringLog.UsageStored(logger, usageEvent.RequestId, usageEvent.EventId, usageEvent.Sequence);
            return usageEvent.ToUsageMetered();
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            var stored = await queries.FindByRequestIdAsync(usage.RequestId, cancellationToken)
                ?? throw new InvalidOperationException($"Request {usage.RequestId} violated the unique request id but no stored event was found.", exception);
            MeteringLog.UsageAlreadyStored(logger, stored.RequestId, stored.EventId, stored.Sequence);
            return stored.ToUsageMetered();
        }
    }
}
