using System.Diagnostics.Metrics;
using AiMesh.Contracts.Metering;
using AiMesh.Hosting.Batching;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Usage;

/// <summary>
/// Sends the saga's usage records to metering in batches (<see cref="RecordUsageBatch"/>) through the shared
/// <see cref="BatchSender{T}"/> (services/hosting/Batching): records gather for <see cref="IngressOptions.UsageLinger"/>
/// (50 ms) after the first, leave as one persistent message, and a failed send is retried with the same records.
/// What this adds is admission: memory is bounded by turning requests away, not by dropping records. Once
/// <see cref="IngressOptions.UsageBacklogLimit"/> records wait, <see cref="IsBacklogged"/> makes the exchange answer new
/// requests 503, so at most that many plus the requests already in flight can wait. Instruments
/// <c>aimesh.ingress.usage.*</c>. A crash of this process loses the records waiting here, as it loses the saga; the
/// router's own report of the request (docs/architecture.md, "Exactly one usage record") is what metering recovers
/// them from.
/// </summary>
internal sealed class UsageSender : IHostedService, IDisposable
{
    /// <summary>At most this many records in one message (about 200 KB).</summary>
    public const int MaxBatch = 256;

    private readonly BatchSender<RecordUsage> _sender;
    private readonly int _backlogLimit;

    public UsageSender(IUsageTransport transport, IOptions<IngressOptions> options, IMeterFactory meters, ILogger<UsageSender> logger)
    {
        _backlogLimit = options.Value.UsageBacklogLimit;
        _sender = new BatchSender<RecordUsage>(
            (records, cancellationToken) => transport.SendAsync(new RecordUsageBatch(records), cancellationToken),
            new BatchSenderOptions("usage", IngressMetrics.MeterName, "aimesh.ingress.usage", options.Value.UsageLinger, MaxBatch),
            meters,
            logger);
    }

    /// <summary>Records handed over and not yet confirmed by the broker.</summary>
    public int Pending => _sender.Pending;

    /// <summary>Whether so many records wait that new requests must be turned away.</summary>
    public bool IsBacklogged => Pending >= _backlogLimit;

    /// <summary>Queues one ended request's record; it is sent with the next batch.</summary>
    public void Enqueue(RecordUsage record) => _sender.Enqueue(record);

    public Task StartAsync(CancellationToken cancellationToken) => _sender.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _sender.StopAsync(cancellationToken);

    public void Dispose() => _sender.Dispose();
}
