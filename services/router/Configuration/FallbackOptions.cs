namespace AiMesh.Router.Configuration;

/// <summary>
/// <c>Router:Fallbacks</c>: the bounds on a request's walk through other model groups when its own failed
/// (<see cref="Routing.FallbackChain"/>; which groups, per error class, is each model's <see cref="ModelGroupOptions"/>).
/// Every fallback group retries within itself (<see cref="RetryOptions.MaxAttempts"/>), so without a total bound a
/// chain of groups would multiply calls the way unbounded retries do.
/// </summary>
internal sealed class FallbackOptions
{
    /// <summary>
    /// Hops from the requested model along one chain: a fallback's own fallbacks are followed while the chain is shorter
    /// than this. 1 follows only the requested model's lists.
    /// </summary>
    public int MaxDepth { get; set; } = 3;

    /// <summary>Provider calls per request across all its groups, retries included; no group starts, and no retry is made, past it.</summary>
    public int MaxCalls { get; set; } = 10;
}
