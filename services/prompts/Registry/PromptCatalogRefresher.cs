using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// Loads the whole registry into the <see cref="PromptCatalog"/> once the schema is ready, then again every
/// <c>Prompts:ReloadInterval</c>: the bound on a replica serving an old label when a <see cref="PromptChanged"/> was
/// lost. A failed reload keeps the catalog as it was (a database outage never empties it) and is logged.
/// </summary>
internal sealed class PromptCatalogRefresher(
    IServiceScopeFactory scopes,
    StoreState state,
    PromptCatalog catalog,
    IOptions<PromptsOptions> options,
    TimeProvider time,
    ILogger<PromptCatalogRefresher> logger) : BackgroundService
{
    private readonly TaskCompletionSource _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the first successful full load (tests wait for it).</summary>
    public Task FirstLoad => _firstLoad.Task;

    /// <summary>Reads every prompt again now.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ticket = catalog.BeginRead();
        var prompts = await scope.ServiceProvider.GetRequiredService<PromptStore>().LoadAllAsync(cancellationToken);
        catalog.ReplaceAll(prompts, ticket);
        _firstLoad.TrySetResult();
        PromptsLog.CatalogReloaded(logger, prompts.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReloadInterval;
        try
        {
            await state.WhenReady.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReloadAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                {
                    PromptsLog.CatalogReloadFailed(logger, exception, interval);
                }

                await Task.Delay(interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
