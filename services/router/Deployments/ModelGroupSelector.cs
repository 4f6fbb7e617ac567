using AiMesh.Router.Configuration;
using AiMesh.Router.Pricing;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Deployments;

/// <summary>
/// Orders a model's deployments for one call: by <see cref="Deployment.Priority"/>, then within a priority by the model's
/// <see cref="RoutingStrategy"/>. The first is called; the others are where the call goes when one cannot take it (its
/// capacity is full, its credential missing). A model with one deployment costs a dictionary lookup, nothing drawn.
/// </summary>
internal sealed class ModelGroupSelector : IDeploymentSelector
{
    private readonly Dictionary<(string Model, string Api), Group> groups = [];
    private readonly DeploymentStats stats;
    private readonly DeploymentPrices prices;

    public ModelGroupSelector(DeploymentCatalog catalog, DeploymentStats stats, DeploymentPrices prices, IOptions<RouterOptions> options)
    {
        this.stats = stats;
        this.prices = prices;
        foreach (var byKey in catalog.Deployments
                     .SelectMany(d => d.Api.Select(api => (Key: (d.Model, Api: api), Deployment: d)))
                     .GroupBy(x => x.Key))
        {
            var deployments = byKey.Select(x => x.Deployment).ToArray();
            var strategy = options.Value.Models.TryGetValue(byKey.Key.Model, out var group) ? group.Parsed ?? RoutingStrategy.Ordered : RoutingStrategy.Ordered;
            var levels = deployments.GroupBy(d => d.Priority).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
            groups[byKey.Key] = new Group(deployments.Length == 1 ? RoutingStrategy.Ordered : strategy, levels, [.. levels.SelectMany(l => l)]);
        }
    }

    public Deployment? Select(string model, string api) => groups.TryGetValue((model, api), out var group) ? group.InOrder[0] : null;

    public IReadOnlyList<Deployment> Candidates(string model, string api)
    {
        if (!groups.TryGetValue((model, api), out var group))
        {
            return [];
        }

        if (group.Strategy == RoutingStrategy.Ordered)
        {
            return group.InOrder;
        }

        var ordered = new List<Deployment>(group.InOrder.Length);
        foreach (var level in group.Levels)
        {
            Order(group.Strategy, level, ordered);
        }

        return ordered;
    }

    private void Order(RoutingStrategy strategy, Deployment[] level, List<Deployment> into)
    {
        if (level.Length == 1)
        {
            into.Add(level[0]);
            return;
        }

        switch (strategy)
        {
            case RoutingStrategy.Weighted:
                Weighted(level, into);
                break;
            case RoutingStrategy.LeastInFlight:
                // Shuffled first, so equal counts share the calls instead of the first in configuration taking them all.
                into.AddRange(Shuffled(level).OrderBy(stats.InFlight));
                break;
            case RoutingStrategy.LowestLatency:
                PowerOfTwo(level, into);
                break;
            case RoutingStrategy.CapacityAware:
                CapacityAware(level, into);
                break;
            case RoutingStrategy.LowestCost:
                into.AddRange(level.OrderBy(d => prices.For(d) is { } p ? p.Price.Input + p.Price.Output : decimal.MaxValue));
                break;
            default:
                into.AddRange(level);
                break;
        }
    }

    /// <summary>Each place drawn in proportion to weight among those left; weight 0 only after every weighted one.</summary>
    private static void Weighted(Deployment[] level, List<Deployment> into)
    {
        var left = level.Where(d => d.Weight > 0).ToList();
        while (left.Count > 0)
        {
            var draw = Random.Shared.NextInt64(left.Sum(d => (long)d.Weight));
            var index = 0;
            while (draw >= left[index].Weight)
            {
                draw -= left[index].Weight;
                index++;
            }

            into.Add(left[index]);
            left.RemoveAt(index);
        }

        into.AddRange(level.Where(d => d.Weight <= 0));
    }

    /// <summary>Drawn in proportion to weight × the room left this minute (see <see cref="RoutingStrategy.CapacityAware"/>); none left: last, in order.</summary>
    private void CapacityAware(Deployment[] level, List<Deployment> into)
    {
        var left = new List<(Deployment Deployment, double Share)>(level.Length);
        foreach (var deployment in level)
        {
            var share = Math.Max(0, deployment.Weight) * Room(deployment);
            if (share > 0)
            {
                left.Add((deployment, share));
            }
        }

        while (left.Count > 0)
        {
            var draw = Random.Shared.NextDouble() * left.Sum(d => d.Share);
            var index = 0;
            while (index < left.Count - 1 && draw >= left[index].Share)
            {
                draw -= left[index].Share;
                index++;
            }

            into.Add(left[index].Deployment);
            left.RemoveAt(index);
        }

        into.AddRange(level.Where(d => !into.Contains(d)));
    }

    /// <summary>The share (0–1) of the deployment's requests and tokens per minute still free, the smaller of the two; 1 without such limits.</summary>
    private double Room(Deployment deployment)
    {
        if (deployment.Limits is not { } limits || (limits.RequestsPerMinute is null && limits.TokensPerMinute is null))
        {
            return 1;
        }

        var (requests, tokens) = stats.LastMinute(deployment);
        var room = 1.0;
        if (limits.RequestsPerMinute is > 0 and var rpm)
        {
            room = Math.Min(room, 1 - ((double)requests / rpm));
        }

        if (limits.TokensPerMinute is > 0 and var tpm)
        {
            room = Math.Min(room, 1 - ((double)tokens / tpm));
        }

        return Math.Clamp(room, 0, 1);
    }

    /// <summary>Two drawn at random, the faster first (not the fastest of all, which would herd every call onto it); then the rest by latency.</summary>
    private void PowerOfTwo(Deployment[] level, List<Deployment> into)
    {
        var first = Random.Shared.Next(level.Length);
        var second = Random.Shared.Next(level.Length - 1);
        if (second >= first)
        {
            second++;
        }

        var (a, b) = (level[first], level[second]);
        var chosen = stats.LatencyMs(b) < stats.LatencyMs(a) ? b : a;
        into.Add(chosen);
        into.AddRange(level.Where(d => d != chosen).OrderBy(stats.LatencyMs));
    }

    private static Deployment[] Shuffled(Deployment[] level)
    {
        var copy = (Deployment[])level.Clone();
        Random.Shared.Shuffle(copy);
        return copy;
    }

    private sealed record Group(RoutingStrategy Strategy, Deployment[][] Levels, Deployment[] InOrder);
}
