using System.Collections.Concurrent;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>
/// Every UsageMetered, Fault&lt;RecordUsage&gt;, Fault&lt;RecordUsageBatch&gt; and Fault&lt;RecordShadowResults&gt; the bus publishes, each publish counted. The harness's own
/// Published list keys messages by MessageId, so it shows an idempotent republish only once; this does not.
/// </summary>
internal sealed class PublishRecorder : IPublishObserver
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<PublishedUsage> _metered = new();
    private readonly ConcurrentQueue<Fault<RecordUsage>> _faults = new();
    private readonly ConcurrentQueue<Fault<RecordUsageBatch>> _batchFaults = new();
    private readonly ConcurrentQueue<Fault<RecordShadowResults>> _shadowFaults = new();

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        switch (context.Message)
        {
            case UsageMetered metered:
                _metered.Enqueue(new PublishedUsage(metered, context.MessageId));
                break;
            case Fault<RecordUsage> fault:
                _faults.Enqueue(fault);
                break;
            case Fault<RecordUsageBatch> fault:
                _batchFaults.Enqueue(fault);
                break;
            case Fault<RecordShadowResults> fault:
                _shadowFaults.Enqueue(fault);
                break;
        }

        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public IReadOnlyList<PublishedUsage> MeteredFor(Guid requestId) =>
        [.. _metered.Where(m => m.Message.RequestId == requestId)];

    public IReadOnlyList<Fault<RecordUsage>> FaultsFor(Guid requestId) =>
        [.. _faults.Where(f => f.Message.RequestId == requestId)];

    public IReadOnlyList<Fault<RecordUsageBatch>> BatchFaultsFor(Guid requestId) =>
        [.. _batchFaults.Where(f => f.Message.Records.Any(r => r.RequestId == requestId))];

    public IReadOnlyList<Fault<RecordShadowResults>> ShadowFaultsFor(Guid requestId) =>
        [.. _shadowFaults.Where(f => f.Message.Results.Any(r => r.RequestId == requestId))];

    public Task<IReadOnlyList<Fault<RecordUsageBatch>>> WaitForBatchFaultAsync(Guid requestId) =>
        WaitAsync(() => BatchFaultsFor(requestId), 1, $"a Fault<RecordUsageBatch> holding request {requestId}");

    /// <summary>Waits until <paramref name="count"/> UsageMetered for the request have been published (the limit only stops a hung test).</summary>
    public Task<IReadOnlyList<PublishedUsage>> WaitForMeteredAsync(Guid requestId, int count = 1) =>
        WaitAsync(() => MeteredFor(requestId), count, $"{count} UsageMetered for request {requestId}");

    public Task<IReadOnlyList<Fault<RecordUsage>>> WaitForFaultAsync(Guid requestId) =>
        WaitAsync(() => FaultsFor(requestId), 1, $"a Fault<RecordUsage> for request {requestId}");

    private async Task<IReadOnlyList<T>> WaitAsync<T>(Func<IReadOnlyList<T>> read, int count, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var found = read();
            if (found.Count >= count)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for {what}; {_metered.Count} UsageMetered and {_faults.Count} faults were published in all.");
            }

            await Task.Delay(20);
        }
    }
}
