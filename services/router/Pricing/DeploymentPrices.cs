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

    public DeploymentPrices(DeploymentCatalog catalog, PriceTableSource source, IOptions<RouterOptions> options)
    {
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
