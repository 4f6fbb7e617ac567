using AiMesh.Policy.Keys;
using AiMesh.Policy.Store.Migrations;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Store;

/// <summary>
/// Applies the schema migrations at start, before the key cache loads and before the bus starts. A database that
/// is down at start does not stop the host: the first attempt is bounded, later ones run in the background with a
/// growing delay (as metering's initializer does), and until one succeeds readiness reports unhealthy. Configured
/// keys (<c>Policy:Keys</c>) are served meanwhile; stored keys are not (the cache has not loaded).
/// </summary>
internal sealed class SchemaInitializer(
    SchemaState state,
    IOptions<PolicyOptions> options,
    TimeProvider time,
    ILogger<SchemaInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        firstAttempt.CancelAfter(FirstAttemptTimeout);
        if (await TryMigrateAsync(attempt: 1, TimeSpan.FromSeconds(1), firstAttempt.Token))
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

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 2; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var next = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            if (await TryMigrateAsync(attempt, next, stopping))
            {
                return;
            }

            delay = next;
        }
    }

    private async Task<bool> TryMigrateAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            var applied = await SchemaMigrator.MigrateAsync(database, time, cancellationToken);
            state.MarkReady();
            PolicyLog.SchemaReady(logger, database.Provider, SchemaMigrations.Latest, applied.Count);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the cause (server down, folder not writable, timeout), the answer is the same: not ready,
            // try again later. The exception is logged, not swallowed.
            PolicyLog.SchemaUnavailable(logger, exception, database.Provider, attempt, nextDelay);
            return false;
        }
    }
}
