using System.Diagnostics.Metrics;
using System.Threading.Channels;
using AiMesh.Contracts.Metering;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Usage;

/// <summary>
/// Sends the saga's usage records to metering in batches, without ever waiting to fill one: a single loop lets records
/// gather for <see cref="IngressOptions.UsageLinger"/> (50 ms) after the first, then sends whatever is queued as one
/// <see cref="RecordUsageBatch"/> and awaits the broker's confirm, and the records that end meanwhile make the next
/// batch. Idle, a record leaves alone after the linger; under load a batch carries every record that ended during the
/// linger and the last confirm (a persistent message waits for the broker's disk), so the broker, metering and this
/// process handle one durable message per batch instead of one per request, and not in the middle of the next
/// request. Measured in docs/benchmarks.md.
/// <para>
/// Nothing is dropped. A send that fails (the broker is down) is retried, the same batch, with a growing pause, while
/// records wait in memory. Memory is bounded by admission, not by dropping: once <see cref="IngressOptions.UsageBacklogLimit"/>
/// records wait, <see cref="IsBacklogged"/> makes the exchange turn new requests away with 503, so at most that many
/// plus the requests already in flight can wait. At stop (after Kestrel has drained its requests, before the bus
/// stops: this service is registered after MassTransit's) the rest are sent within the host's shutdown timeout; any
/// that still cannot be are logged and counted. A record waits here for milliseconds; a crash of the process in that
/// window loses it, as it loses the saga (docs/architecture.md).
/// </para>
/// </summary>
internal sealed class UsageSender : IHostedService, IDisposable
{
    /// <summary>At most this many records in one message (about 200 KB).</summary>
    public const int MaxBatch = 256;

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);

    private readonly Channel<RecordUsage> _queue = Channel.CreateUnbounded<RecordUsage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IUsageTransport _transport;
    private readonly int _backlogLimit;
    private readonly TimeSpan _linger;
    private readonly ILogger<UsageSender> _logger;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _sendFailures;
    private readonly Counter<long> _lost;
    private Task _loop = Task.CompletedTask;
    private int _pending;

    public UsageSender(IUsageTransport transport, IOptions<IngressOptions> options, IMeterFactory meters, ILogger<UsageSender> logger)
    {
        _transport = transport;
        _backlogLimit = options.Value.UsageBacklogLimit;
        _linger = options.Value.UsageLinger;
        _logger = logger;
        var meter = meters.Create(IngressMetrics.MeterName);
        _sent = meter.CreateCounter<long>("aimesh.ingress.usage.sent", "{record}", "Usage records the broker confirmed");
        _batches = meter.CreateCounter<long>("aimesh.ingress.usage.batches", "{message}", "Usage batches the broker confirmed");
        _sendFailures = meter.CreateCounter<long>("aimesh.ingress.usage.send_failures", "{attempt}", "Usage batch sends that failed and were retried");
        _lost = meter.CreateCounter<long>("aimesh.ingress.usage.lost", "{record}", "Usage records not sent before the ingress stopped");
        meter.CreateObservableGauge("aimesh.ingress.usage.pending", () => Pending, "{record}", "Usage records waiting for metering");
    }

    /// <summary>Records handed over and not yet confirmed by the broker.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Whether so many records wait that new requests must be turned away.</summary>
    public bool IsBacklogged => Pending >= _backlogLimit;

    /// <summary>Queues one ended request's record; it is sent with the next batch.</summary>
    public void Enqueue(RecordUsage record)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record))
        {
            // Only after stop, when the loop has ended: nothing can send it any more.
            Interlocked.Decrement(ref _pending);
            _lost.Add(1);
            IngressLog.UsageLostAtStop(_logger, 1);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => SendAllAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Pending is > 0 and var unsent)
        {
            _lost.Add(unsent);
            IngressLog.UsageLostAtStop(_logger, unsent);
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _stopping.Dispose();
    }

    private async Task SendAllAsync(CancellationToken abort)
    {
        var batch = new List<RecordUsage>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(abort))
            {
                await LingerAsync(abort);
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await SendAsync(batch, abort);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            // Stopped before everything was sent; StopAsync counts what is left. (Whatever the aborted send threw: a
            // transport failing at that moment raises its own exception, not a cancellation, and must not leave the
            // loop faulted for a later stop to rethrow.)
        }
    }

    /// <summary>Lets more records gather, unless stopping: <see cref="StopAsync"/> completes the queue and waits for the rest.</summary>
    private async Task LingerAsync(CancellationToken abort)
    {
        if (_linger <= TimeSpan.Zero || _stopping.IsCancellationRequested)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(abort, _stopping.Token);
        await Task.Delay(_linger, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        abort.ThrowIfCancellationRequested();
    }

    private async Task SendAsync(List<RecordUsage> batch, CancellationToken abort)
    {
        var message = new RecordUsageBatch(batch.ToArray());
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
                timeout.CancelAfter(SendTimeout);
                await _transport.SendAsync(message, timeout.Token);
                _sent.Add(batch.Count);
                _batches.Add(1);
                if (attempt > 1)
                {
                    IngressLog.UsageSendRecovered(_logger, batch.Count, attempt);
                }

                return;
            }
            catch (Exception exception) when (!abort.IsCancellationRequested)
            {
                // A send cut off after the broker took it may arrive twice: metering stores each request id once.
                _sendFailures.Add(1);
                IngressLog.UsageSendFailed(_logger, batch.Count, attempt, pause, exception);
                await Task.Delay(pause, abort);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }
}
