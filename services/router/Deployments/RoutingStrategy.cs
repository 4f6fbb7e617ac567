namespace AiMesh.Router.Deployments;

/// <summary>
/// How a model's deployments of one priority are ordered for a call (<c>Router:Models:{model}:Strategy</c>). Priority
/// always comes first: a lower <c>Priority</c> number is tried before a higher one, whatever the strategy; the
/// strategy orders the deployments that share a priority. The later ones are the fallbacks of the first.
/// </summary>
internal enum RoutingStrategy
{
    /// <summary>Configuration order (the default, and what a single deployment per model means).</summary>
    Ordered,

    /// <summary>At random in proportion to <c>Weight</c>.</summary>
    Weighted,

    /// <summary>The fewest calls in flight over the router replicas first; ties at random.</summary>
    LeastInFlight,

    /// <summary>Power of two choices on the latency's moving average: of two drawn at random, the faster first.</summary>
    LowestLatency,

    /// <summary>The cheapest by the price table (input plus output per million tokens) first; unpriced ones last.</summary>
    LowestCost,

    /// <summary>
    /// At random in proportion to <c>Weight</c> × the capacity left this minute (the least of the requests and tokens
    /// per minute left under the deployment's <c>Limits</c>, over the router replicas), so each deployment is loaded in
    /// step with its room and one near its limit gets little; a deployment without such limits counts as all room.
    /// Those with none left come last. The limits themselves are held by the deployment limiter.
    /// </summary>
    CapacityAware,
}
