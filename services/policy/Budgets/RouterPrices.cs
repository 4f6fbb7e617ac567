using System.Collections.Frozen;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;

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
/// Keeps <see cref="RouterPrices"/> to the routers' catalog while any budget rule exists (configured or set through the admin API) (<see cref="RouterCatalogRefresher"/>).
/// Before the first answer a model without a configured price reserves nothing and is counted at its end, as an
/// unpriced model always is.
/// </summary>
internal sealed class RouterPriceRefresher(RouterPrices prices, BudgetGuard budgets, IServiceScopeFactory scopes, ILogger<RouterPriceRefresher> logger)
    : RouterCatalogRefresher(scopes)
{
    protected override bool IsLoaded => prices.IsLoaded;

    protected override bool IsWanted => budgets.HasRules;

    protected override void Replace(IReadOnlyList<ModelDescription> models) => prices.Replace(models);

    protected override void Failed(string failure) => PolicyLog.RouterPricesUnavailable(logger, failure);
}
