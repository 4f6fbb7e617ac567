using System.Runtime.ExceptionServices;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Stores one usage event per request, then publishes <c>UsageMetered</c>; records come alone (<see cref="RecordUsage"/>)
/// or batched by an ingress instance (<see cref="RecordUsageBatch"/>), and a batch's records are stored exactly as if
/// each had come alone.
/// Publish after save, idempotent republish: there is no transactional outbox package here, so the event is
/// published only once the row is committed, and a redelivered record (the row already there) publishes it
/// again. The MessageId is the event id, the same on every publish, so finance de-duplicates by it. A crash
/// between commit and publish therefore delays the event until redelivery; it never loses nor invents one.
/// </summary>
public sealed class RecordUsageConsumer(IUsageLog log) : IConsumer<RecordUsage>, IConsumer<RecordUsageBatch>
{
    public async Task Consume(ConsumeContext<RecordUsage> context)
    {
        var metered = await log.AppendAsync(context.Message, context.CancellationToken);
        await context.Publish(metered, publish => publish.MessageId = metered.UsageEventId, context.CancellationToken);
    }

    /// <summary>
    /// Every record of the batch is appended at once, so the group commit stores them in one transaction. The ones stored are published whatever happened to the others; if any failed, the batch fails
    /// with that failure (a store failure before a validation one, so retries and the kill switch see it), and its
    /// redelivery stores the rest while the stored ones only publish again.
    /// </summary>
    public async Task Consume(ConsumeContext<RecordUsageBatch> context)
    {
        var records = context.Message.Records ?? [];
        var appends = records.Select(record => AppendAloneAsync(record, context.CancellationToken)).ToArray();
        await ((Task)Task.WhenAll(appends)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        await Task.WhenAll(appends
            .Where(append => append.IsCompletedSuccessfully)
            .Select(append => append.Result)
            .Select(metered => context.Publish(metered, publish => publish.MessageId = metered.UsageEventId, context.CancellationToken)));

        var failures = appends.Where(append => !append.IsCompletedSuccessfully).Select(Failure).ToArray();
        if (failures.Length > 0)
        {
            ExceptionDispatchInfo.Throw(failures.FirstOrDefault(failure => failure is not ArgumentException) ?? failures[0]);
        }
    }

    private async Task<UsageMetered> AppendAloneAsync(RecordUsage record, CancellationToken cancellationToken)
    {
        // A null entry is a malformed message, not a store failure: not retried.
        ArgumentNullException.ThrowIfNull(record);
        return await log.AppendAsync(record, cancellationToken);
    }

    private static Exception Failure(Task task) =>
        task.Exception?.InnerException ?? new OperationCanceledException("The usage record's append was cancelled.");
}
