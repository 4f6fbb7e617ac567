using System.Diagnostics.Metrics;
using AiMesh.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace AiMesh.Hosting.Metrics;

/// <summary>
/// The depth of every AiMesh service queue and its error queue on RabbitMQ, as observable gauges
/// (<c>aimesh.bus.queue.messages</c>, <c>aimesh.bus.queue.consumers</c>, label <c>queue</c>). Read by passive declares on
/// a connection of its own (MassTransit's is not ours to use, and a slow broker must not hold up its sends), every
/// <see cref="MetricsOptions.QueueDepthInterval"/>, in the background: a scrape only reads the cached values. Every
/// process on RabbitMQ reports every service queue, so a queue whose consumers are all down is still seen (sum or take
/// the max by <c>queue</c> across processes). A queue that does not exist yet has no series; when the broker cannot be
/// read the gauges are absent and <c>aimesh.bus.queue.read_failures</c> rises. Per-process instance queues
/// (<c>aimesh-ingress-&lt;id&gt;</c>) are left out: a label per process start would grow without bound.
/// On the in-memory transport (embedded) nothing is read: MassTransit does not expose its in-memory queues' depth; the
/// backlog that matters there is the ingress's usage records waiting to be sent (<c>aimesh.ingress.usage.pending</c>).
/// </summary>
internal sealed class QueueDepths : BackgroundService
{
    public static readonly IReadOnlyList<string> Queues =
    [
        Endpoints.Policy, Endpoints.Prompts, Endpoints.Router, Endpoints.Metering, Endpoints.MeteringReports,
        Endpoints.Policy + "_error", Endpoints.Prompts + "_error", Endpoints.Router + "_error", Endpoints.Metering + "_error", Endpoints.MeteringReports + "_error",
    ];

    private readonly BusOptions _bus;
    private readonly MetricsOptions _options;
    private readonly ILogger<QueueDepths> _logger;
    private readonly Counter<long> _failures;
    private volatile IReadOnlyList<(string Queue, long Messages, long Consumers)> _depths = [];
    private static readonly TimeSpan DropLimit = TimeSpan.FromSeconds(2);
    private IConnection? _connection;
    private int _failedReads;

    public QueueDepths(IOptions<BusOptions> bus, IOptions<MetricsOptions> options, IMeterFactory meters, ILogger<QueueDepths> logger)
    {
        _bus = bus.Value;
        _options = options.Value;
        _logger = logger;
        var meter = meters.Create(MeshMeters.Hosting);
        _failures = meter.CreateCounter<long>("aimesh.bus.queue.read_failures", "{read}", "Reads of the bus queues' depths that failed (broker unreachable)");
        if (_bus.Transport == BusTransport.RabbitMq)
        {
            meter.CreateObservableGauge("aimesh.bus.queue.messages", () => Measure(d => d.Messages), "{message}",
                "Messages waiting in an AiMesh queue on the broker, as last read");
            meter.CreateObservableGauge("aimesh.bus.queue.consumers", () => Measure(d => d.Consumers), "{consumer}",
                "Consumers attached to an AiMesh queue on the broker, as last read");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_bus.Transport != BusTransport.RabbitMq)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.QueueDepthInterval);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropConnectionAsync();
    }

    private IEnumerable<Measurement<long>> Measure(Func<(string Queue, long Messages, long Consumers), long> value) =>
        _depths.Select(d => new Measurement<long>(value(d), new KeyValuePair<string, object?>("queue", d.Queue)));

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            _depths = await ReadAsync(timeout.Token);
            if (_failedReads > 0)
            {
                HostingLog.QueueDepthReadRecovered(_logger, _failedReads);
                _failedReads = 0;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the client throws (unreachable, refused credentials, a closed connection, our own timeout): a
            // failed read, never a reason for the background service to end and take the host with it.
            _depths = [];
            _failures.Add(1);
            if (_failedReads++ == 0)
            {
                HostingLog.QueueDepthReadFailed(_logger, ex);
            }

            await DropConnectionAsync();
        }
    }

    /// <summary>
    /// Aborts the connection, within <see cref="DropLimit"/>: a graceful close waits for the broker's answer (up to the
    /// client's 30 s), which a broker that just cut us off never sends, and a host's stop must not wait for it.
    /// </summary>
    private async Task DropConnectionAsync()
    {
        if (Interlocked.Exchange(ref _connection, null) is not { } connection)
        {
            return;
        }

        try
        {
            await connection.AbortAsync(DropLimit).WaitAsync(DropLimit);
            await connection.DisposeAsync().AsTask().WaitAsync(DropLimit);
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException or IOException or AlreadyClosedException)
        {
            // Gone either way: nothing here can still use it.
        }
    }

    private async Task<IReadOnlyList<(string, long, long)>> ReadAsync(CancellationToken cancellationToken)
    {
        _connection ??= await new ConnectionFactory
        {
            HostName = _bus.RabbitMq.Host,
            Port = _bus.RabbitMq.Port,
            VirtualHost = _bus.RabbitMq.VirtualHost,
            UserName = _bus.RabbitMq.Username,
            Password = _bus.RabbitMq.Password,
            ClientProvidedName = "aimesh-queue-depths",
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        }.CreateConnectionAsync(cancellationToken);

        var depths = new List<(string, long, long)>(Queues.Count);
        IChannel? channel = null;
        try
        {
            foreach (var queue in Queues)
            {
                channel ??= await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                    depths.Add((queue, declared.MessageCount, declared.ConsumerCount));
                }
                catch (OperationInterruptedException missing) when (missing.ShutdownReason?.ReplyCode == 404)
                {
                    // Not declared yet (its service never started on this broker): no series. The broker closed the channel.
                    await channel.DisposeAsync();
                    channel = null;
                }
            }
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }

        return depths;
    }
}
