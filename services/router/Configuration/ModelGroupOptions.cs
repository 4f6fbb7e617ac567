namespace AiMesh.Router.Configuration;

/// <summary>
/// How the deployments of one public model share its calls, and where its calls go when all of them failed
/// (<c>Router:Models:{model}</c>). The fallback lists name other public models, tried in order by
/// <see cref="Routing.FallbackChain"/>, each one a model group of its own (its strategy, retries and circuits).
/// </summary>
internal sealed class ModelGroupOptions
{
    /// <summary><c>ordered</c> (the default), <c>weighted</c>, <c>least-in-flight</c>, <c>lowest-latency</c>, <c>lowest-cost</c> or <c>capacity-aware</c>.</summary>
    public string? Strategy { get; set; }

    public Deployments.RoutingStrategy? Parsed => Parse(Strategy);

    /// <summary>Tried when the group ended rate limited or unavailable: 408, 429, 5xx, no connection, no first byte, or every deployment refused the call.</summary>
    public IList<string> Fallbacks { get; } = [];

    /// <summary>Tried when the prompt did not fit (<c>context_length_exceeded</c>): models with a larger context.</summary>
    public IList<string> ContextFallbacks { get; } = [];

    /// <summary>Tried when the provider's safety system refused (<c>content_filter</c>). Empty by default: the client gets the refusal.</summary>
    public IList<string> ContentFilterFallbacks { get; } = [];

    /// <summary>A/B and canary shares of the model's callers served by other models (<see cref="TrafficSplitOptions"/>); empty: none.</summary>
    public IList<TrafficSplitOptions> Splits { get; } = [];

    /// <summary>
    /// Whose calls always land on the same side of <see cref="Splits"/>: <c>key</c> (the default: the admitted key) or
    /// <c>user</c> (the body's <c>user</c> field, OpenAI's end-user id; the key when a request has none).
    /// </summary>
    public string? StickyBy { get; set; }

    /// <summary>A candidate model group also sent a share of this group's requests, for comparison only (<see cref="ShadowTargetOptions"/>); null: none.</summary>
    public ShadowTargetOptions? Shadow { get; set; }

    /// <summary>The strategy a name means (any case, with or without dashes); null for a name that means none.</summary>
    public static Deployments.RoutingStrategy? Parse(string? name) =>
        name is null ? Deployments.RoutingStrategy.Ordered
        : Enum.TryParse<Deployments.RoutingStrategy>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            && Enum.IsDefined(parsed) && !name.Any(char.IsDigit) ? parsed
        : null;
}
