using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Stores one usage event per request, then publishes <c>UsageMetered</c>.
/// Publish after save, idempotent republish: there is no transactional outbox package here, so the event is
/// published only once the row is committed, and a redelivered RecordUsage (the row already there) publishes it
/// again. The MessageId is the event id, the same on every publish, so finance de-duplicates by it. A crash
/// between commit and publish therefore delays the event until redelivery; it never loses nor invents one.
/// </summary>
public sealed class RecordUsageConsumer(IUsageLog log) : IConsumer<RecordUsage>
{
    public async Task Consume(ConsumeContext<RecordUsage> context)
    {
        var metered = await log.AppendAsync(context.Message, context.CancellationToken);
        await context.Publish(metered, publish => publish.MessageId = metered.UsageEventId, context.CancellationToken);
    }
}
