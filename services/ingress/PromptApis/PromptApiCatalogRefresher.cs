using AiMesh.Contracts.Prompts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// Keeps <see cref="PromptApiCatalog"/> current: asks the prompts service for the list (<see cref="ListPromptApis"/>) at
/// start (every second until it answers), every <see cref="IngressOptions.PromptApiReloadInterval"/>, and at once when
/// <see cref="PromptApisChanged"/> arrives (<see cref="Changed"/>). A failed ask keeps the list served so far.
/// </summary>
internal sealed class PromptApiCatalogRefresher(
    IServiceScopeFactory scopes,
    PromptApiCatalog catalog,
    IOptions<IngressOptions> options,
    ILogger<PromptApiCatalogRefresher> logger) : BackgroundService
{
    private readonly SemaphoreSlim changed = new(0, 1);

    /// <summary>Asks for the list now (a change was announced); changes arriving meanwhile fold into one ask.</summary>
    public void Changed()
    {
        try
        {
            changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // An ask is already due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var loaded = await TryLoadAsync(stoppingToken);
            var wait = loaded || catalog.IsLoaded ? options.Value.PromptApiReloadInterval : TimeSpan.FromSeconds(1);
            try
            {
                await changed.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> TryLoadAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<ListPromptApis>>();
            var listed = await client.GetResponse<PromptApisListed>(new ListPromptApis(NewId.NextGuid()), stoppingToken);
            await catalog.ReplaceAsync(listed.Message.Apis);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // Whatever failed (the bus not started yet, prompts not answering, a fault), the last list stays and the next round tries again: a background loop that threw would stop the host.
        catch (Exception e)
#pragma warning restore CA1031
        {
            IngressLog.PromptApisNotLoaded(logger, e.GetType().Name);
            return false;
        }
    }

    public override void Dispose()
    {
        changed.Dispose();
        base.Dispose();
    }
}
