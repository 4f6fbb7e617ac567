using AiMesh.Policy.Store;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Keys;

/// <summary>
/// Loads the stored keys (and the limits and budgets set per entity, <see cref="Limits.EntityRules"/>) once the schema is current (at start, bounded, so a healthy replica serves them before its
/// bus starts), then reloads them every <see cref="PolicyOptions.KeyReloadInterval"/>: the safety net under the
/// change events. A failed reload keeps the last good copy and is logged; decisions go on from memory.
/// </summary>
internal sealed class KeyCacheRefresher(
    StoredKeys keys,
    Limits.EntityRules entityRules,
    SchemaState schema,
    IOptions<PolicyOptions> options,
    TimeProvider time,
    ILogger<KeyCacheRefresher> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstLoadTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (schema.IsReady)
        {
            using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            first.CancelAfter(FirstLoadTimeout);
            await TryReloadAsync(first.Token);
        }

        _running = RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await schema.WhenReady.WaitAsync(stopping);

            // Until the first load succeeds, try again every second; after that, at the configured interval.
            while (!keys.IsLoaded && !await TryReloadAsync(stopping))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping);
            }

            while (true)
            {
                await Task.Delay(options.Value.KeyReloadInterval, time, stopping);
                await TryReloadAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task<bool> TryReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keys.ReloadAllAsync(cancellationToken);
            await entityRules.ReloadAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            PolicyLog.StoredKeysReloadFailed(logger, exception);
            return false;
        }
    }
}
