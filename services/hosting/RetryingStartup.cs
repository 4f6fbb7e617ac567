using Microsoft.Extensions.Hosting;

namespace AiMesh.Hosting;

/// <summary>
/// Start-up work that needs something which may be down when the host starts (a database): one attempt during start,
/// bounded, then attempts in the background with a delay doubling from 1 s to 30 s until one succeeds or the host
/// stops. The host never fails to start for it; the service reports not ready until an attempt succeeds. Metering's
/// schema and policy's migrations use it.
/// </summary>
public abstract class RetryingStartup(TimeProvider time) : IHostedService, IDisposable
{
    // Long enough for CREATE DATABASE on a busy server (seconds under I/O load), short enough that an unanswering
    // database delays the host's start about as much as one Npgsql connect timeout (15 s) would anyway.
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    /// <summary>The clock the retry delays run on (a test's fake one, or the system's).</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Whether the host is stopping: an attempt cancelled for that is not a failure to log.</summary>
    protected bool IsStopping => _stopping.IsCancellationRequested;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        firstAttempt.CancelAfter(FirstAttemptTimeout);
        if (await TryOnceAsync(attempt: 1, FirstRetryDelay, firstAttempt.Token))
        {
            return;
        }

        _retrying = RetryAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// One attempt: true when the work is done; false, after logging why and that the next comes after
    /// <paramref name="nextDelay"/>, to be tried again. It must not throw.
    /// </summary>
    protected abstract Task<bool> TryOnceAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 2; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, Time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var next = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            if (await TryOnceAsync(attempt, next, stopping))
            {
                return;
            }

            delay = next;
        }
    }
}
