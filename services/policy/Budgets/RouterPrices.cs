using System.Collections.Frozen;
using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// The price ceilings the routers publish with their model catalog (<see cref="ModelDescription.PriceCeiling"/>): what a
/// request can cost at worst wherever it is routed, from the same price table the router charges with. A budget
/// reservation prices a request with <c>Policy:Budgets:Prices</c> where that names the model (an override), else
/// with these; so the prices live in one place, the router's table.
/// </summary>
internal sealed class RouterPrices
{
    private volatile FrozenDictionary<string, ModelPriceCeiling>? ceilings;

    public bool IsLoaded => ceilings is not null;

    public ModelPriceCeiling? For(string model) => ceilings?.GetValueOrDefault(model);

    public void Replace(IEnumerable<ModelDescription> models) =>
        ceilings = models.Where(m => m.PriceCeiling is not null).ToFrozenDictionary(m => m.Id, m => m.PriceCeiling!, StringComparer.Ordinal);
}

/// <summary>
/// Keeps <see cref="RouterPrices"/> to the routers' catalog while any budget rule exists: asks every 2 s until a
/// router answers, then every minute (a catalog changes only when routers restart with new configuration). A failed
/// ask keeps what is held; before the first answer a model without a configured price reserves nothing and is counted
/// at its end, as an unpriced model always is.
/// </summary>
internal sealed class RouterPriceRefresher(
    RouterPrices prices, BudgetGuard budgets, IServiceScopeFactory scopes, ILogger<RouterPriceRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstLoadRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!budgets.HasRules)
        {
            return;
        }

        try
        {
            while (true)
            {
                await TryLoadAsync(stoppingToken);
                await Task.Delay(prices.IsLoaded ? ReloadInterval : FirstLoadRetry, stoppingToken);
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
            prices.Replace(response.Message.Models);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // No router yet, a bus reconnecting, a timeout: keep what is held; a failure must never end this service.
            PolicyLog.RouterPricesUnavailable(logger, ex.GetType().Name);
        }
    }
}
