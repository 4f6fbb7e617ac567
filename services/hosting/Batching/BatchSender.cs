using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Hosting.Batching;

/// <summary>
/// Sends records of one kind in batches, without ever waiting to fill one: a single loop lets records gather for
/// <see cref="BatchSenderOptions.Linger"/> after the first, then sends whatever is queued (at most
/// <see cref="BatchSenderOptions.MaxBatch"/>) as one message and awaits the broker's confirm, and the records that end
/// meanwhile make the next batch. Idle, a record leaves alone after the linger; under load a batch carries every record
/// that ended during the linger and the last confirm, so the broker and the consumer handle one durable message per
/// batch instead of one per record. The hot path only enqueues. Used by the ingress's usage records
/// (<c>services/ingress/Usage/UsageSender.cs</c>) and the router's reports (<c>services/router/Reporting/</c>).
/// <para>
/// Nothing is dropped. A send that fails (the broker is down) is retried, the same batch, with a growing pause
/// (1/4 s doubling to 10 s), while records wait in memory; a caller bounds that memory by admission
/// (<see cref="Pending"/>), never by dropping. At stop (registered after MassTransit, so before the bus stops) the
/// rest are sent within the host's shutdown timeout, without the linger; any that still cannot be are logged (5042)
/// and counted (<c>.lost</c>). A record waits here for milliseconds; a crash of the process in that window loses it.
/// </para>
/// </summary>
/// <typeparam name="T">One record; a batch is sent as the list of them.</typeparam>
public sealed class BatchSender<T> : IHostedService, IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);

    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> _send;
    private readonly BatchSenderOptions _options;
    private readonly ILogger _logger;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _sendFailures;
    private readonly Counter<long> _lost;
    private Task _loop = Task.CompletedTask;
    private int _pending;

    /// <param name="send">Sends one batch; done when the broker has taken it (its confirm), throws when it did not.</param>
    public BatchSender(Func<IReadOnlyList<T>, CancellationToken, Task> send, BatchSenderOptions options, IMeterFactory meters, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        _send = send;
        _options = options;
        _logger = logger;
        var meter = meters.Create(options.MeterName);
        var prefix = options.MetricPrefix;
        _sent = meter.CreateCounter<long>(prefix + ".sent", "{record}", "Records the broker confirmed");
        _batches = meter.CreateCounter<long>(prefix + ".batches", "{message}", "Batches the broker confirmed");
        _sendFailures = meter.CreateCounter<long>(prefix + ".send_failures", "{attempt}", "Batch sends that failed and were retried");
        _lost = meter.CreateCounter<long>(prefix + ".lost", "{record}", "Records not sent before the service stopped");
        meter.CreateObservableGauge(prefix + ".pending", () => Pending, "{record}", "Records waiting to be sent");
    }

    /// <summary>Records handed over and not yet confirmed by the broker.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues one record; it is sent with the next batch.</summary>
    public void Enqueue(T record)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record))
        {
            // Only after stop, when the loop has ended: nothing can send it any more.
            Interlocked.Decrement(ref _pending);
            _lost.Add(1);
            BatchingLog.LostAtStop(_logger, _options.Name, 1);
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
            BatchingLog.LostAtStop(_logger, _options.Name, unsent);
        }
    }

    public void Dispose()
    {
        _abort.Dispose();
        _stopping.Dispose();
    }

    private async Task SendAllAsync(CancellationToken abort)
    {
        var batch = new List<T>(_options.MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(abort))
            {
                await LingerAsync(abort);
                while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var record))
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
        if (_options.Linger <= TimeSpan.Zero || _stopping.IsCancellationRequested)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(abort, _stopping.Token);
        await Task.Delay(_options.Linger, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        abort.ThrowIfCancellationRequested();
    }

    private async Task SendAsync(List<T> batch, CancellationToken abort)
    {
        // One array per batch, the same on every attempt: the message a retry sends is the one that failed.
        var records = batch.ToArray();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
                timeout.CancelAfter(SendTimeout);
                await _send(records, timeout.Token);
                _sent.Add(records.Length);
                _batches.Add(1);
                if (attempt > 1)
                {
                    BatchingLog.SendRecovered(_logger, _options.Name, records.Length, attempt);
                }

                return;
            }
            catch (Exception exception) when (!abort.IsCancellationRequested)
            {
                // A send cut off after the broker took it may arrive twice: the consumers store each request id once.
                _sendFailures.Add(1);
                BatchingLog.SendFailed(_logger, _options.Name, records.Length, attempt, pause, exception);
                await Task.Delay(pause, abort);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }
}
