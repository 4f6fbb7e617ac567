using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Ingress;

/// <summary>
/// Keeps <see cref="ModelLabels"/> to the router's public catalog: asks every 2 s until a router answers, then every
/// minute (a catalog changes only when routers restart with new configuration). A failed ask keeps what is held.
/// </summary>
internal sealed class ModelCatalogRefresher(ModelLabels labels, IServiceScopeFactory scopes, ILogger<ModelCatalogRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstLoadRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await TryLoadAsync(stoppingToken);
                await Task.Delay(labels.IsLoaded ? ReloadInterval : FirstLoadRetry, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task TryLoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<ListModels>>();
            var response = await client.GetResponse<ModelsListed>(new ListModels(NewId.NextGuid()), cancellationToken);
            labels.Replace(response.Message.Models.Select(m => m.Id));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // No router yet, a bus reconnecting, a timeout: the labels keep what they hold, and a failure here must never
            // end this background service (which would stop the host).
            IngressLog.ModelCatalogUnavailable(logger, ex.GetType().Name);
        }
    }
}
