using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Each deployment's prices, resolved once at start: the table's entry for its provider and upstream model, with the
/// members of its <c>Price</c> block laid over it. A deployment with neither has no price (its costs are null).
/// </summary>
internal sealed class DeploymentPrices
{
    private readonly Dictionary<string, DeploymentPrice> byName = new(StringComparer.Ordinal);

    private readonly DeploymentCatalog catalog;

    public DeploymentPrices(DeploymentCatalog catalog, PriceTableSource source, IOptions<RouterOptions> options)
    {
        this.catalog = catalog;
        var table = source.Table;
        if (table is null)
        {
            // Only reachable when start validation was skipped; pricing nothing beats pricing from a broken table.
            return;
        }

        var blocks = options.Value.Deployments.Where(d => d.Name is not null && d.Price is not null)
            .GroupBy(d => d.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Price!, StringComparer.Ordinal);
        foreach (var deployment in catalog.Deployments)
        {
            var listed = table.Find(deployment.Provider, deployment.UpstreamModel);
            if (blocks.TryGetValue(deployment.Name, out var block))
            {
                var price = Overlay(listed, block);
                if (price is not null)
                {
                    byName[deployment.Name] = new DeploymentPrice(price, table.Currency, block.Version ?? $"{table.Version}+{deployment.Name}");
                }
            }
            else if (listed is not null)
            {
                byName[deployment.Name] = new DeploymentPrice(listed, table.Currency, table.Version);
            }
        }
    }

    /// <summary>Null when the deployment's model is not priced.</summary>
    public DeploymentPrice? For(Deployment deployment) => byName.GetValueOrDefault(deployment.Name);

    /// <summary>
    /// The catalog with each model's price ceiling: the dearest input and the dearest output price among its deployments
    /// (what a request can cost at worst, wherever it is routed). A model with an unpriced deployment, or deployments
    /// priced in different currencies, gets none: no ceiling can be stated for it.
    /// </summary>
    public IReadOnlyList<ModelDescription> Models => field ??=
        [.. catalog.Models.Select(model => model with { PriceCeiling = CeilingOf(catalog.Deployments.Where(d => d.Model == model.Id)) })];

    private ModelPriceCeiling? CeilingOf(IEnumerable<Deployment> deployments)
    {
        ModelPriceCeiling? ceiling = null;
        foreach (var deployment in deployments)
        {
            if (For(deployment) is not { } price || (ceiling is not null && ceiling.Currency != price.Currency))
            {
                return null;
            }

            ceiling = ceiling is null
                ? new ModelPriceCeiling(price.Price.Input, price.Price.Output, price.Currency)
                : ceiling with
                {
                    InputPerMillion = Math.Max(ceiling.InputPerMillion, price.Price.Input),
                    OutputPerMillion = Math.Max(ceiling.OutputPerMillion, price.Price.Output),
                };
        }

        return ceiling;
    }

    /// <summary>Also used by the validator: null when neither the table nor the block gives input and output prices.</summary>
    internal static ModelPrice? Overlay(ModelPrice? listed, PriceOptions block)
    {
        if ((block.Input ?? listed?.Input) is not { } input || (block.Output ?? listed?.Output) is not { } output)
        {
            return null;
        }

        return new ModelPrice(
            input,
            output,
            block.CachedInput ?? listed?.CachedInput,
            block.CacheWrite ?? listed?.CacheWrite,
            block.Reasoning ?? listed?.Reasoning,
            block.PerRequest ?? listed?.PerRequest,
            block.PerImage ?? listed?.PerImage,
            listed?.Source,
            listed?.Date);
    }
}
