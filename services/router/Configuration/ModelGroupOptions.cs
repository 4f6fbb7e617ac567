namespace AiMesh.Router.Configuration;

/// <summary>How the deployments of one public model share its calls (<c>Router:Models:{model}</c>).</summary>
internal sealed class ModelGroupOptions
{
    /// <summary><c>ordered</c> (the default), <c>weighted</c>, <c>least-in-flight</c>, <c>lowest-latency</c>, <c>lowest-cost</c> or <c>capacity-aware</c>.</summary>
    public string? Strategy { get; set; }

    public Deployments.RoutingStrategy? Parsed => Parse(Strategy);

    /// <summary>A/B and canary shares of the model's callers served by other models (<see cref="TrafficSplitOptions"/>); empty: none.</summary>
    public IList<TrafficSplitOptions> Splits { get; } = [];

    /// <summary>
    /// Whose calls always land on the same side of <see cref="Splits"/>: <c>key</c> (the default: the admitted key) or
    /// <c>user</c> (the body's <c>user</c> field, OpenAI's end-user id; the key when a request has none).
    /// </summary>
    public string? StickyBy { get; set; }

    /// <summary>The strategy a name means (any case, with or without dashes); null for a name that means none.</summary>
    public static Deployments.RoutingStrategy? Parse(string? name) =>
        name is null ? Deployments.RoutingStrategy.Ordered
        : Enum.TryParse<Deployments.RoutingStrategy>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            && Enum.IsDefined(parsed) && !name.Any(char.IsDigit) ? parsed
        : null;
}
