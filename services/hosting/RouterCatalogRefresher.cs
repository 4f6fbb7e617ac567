using AiMesh.Contracts.Routing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Hosting;

/// <summary>
/// Keeps something to the routers' public model catalog (<see cref="ListModels"/> → <see cref="ModelsListed"/>): asks
/// every 2 s until a router answers, then every minute (a catalog changes only when routers restart with new
/// configuration). A failed ask keeps what is held and never ends the service (which would stop the host). The
/// service registers <c>IRequestClient&lt;ListModels&gt;</c> for the router's queue.
/// </summary>
public abstract class RouterCatalogRefresher(IServiceScopeFactory scopes) : BackgroundService
{
    private static readonly TimeSpan FirstLoadRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromMinutes(1);

    /// <summary>Whether a catalog has been taken.</summary>
    protected abstract bool IsLoaded { get; }

    /// <summary>
    /// Whether to ask now: checked before every ask (every 2 s while not wanted), since a service may come to want the
    /// catalog while it runs (policy: the first budget set through the admin API).
    /// </summary>
    protected virtual bool IsWanted => true;

    /// <summary>Takes the catalog a router answered.</summary>
    protected abstract void Replace(IReadOnlyList<ModelDescription> models);

    /// <summary>An ask failed (no router yet, a bus reconnecting, a timeout); <paramref name="failure"/> is the exception's type name.</summary>
    protected abstract void Failed(string failure);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var wanted = IsWanted;
                if (wanted)
                {
                    await TryLoadAsync(stoppingToken);
                }

                await Task.Delay(wanted && IsLoaded ? ReloadInterval : FirstLoadRetry, stoppingToken);
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
            Replace(response.Message.Models);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(ex.GetType().Name);
        }
    }
}
