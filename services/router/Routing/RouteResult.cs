using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Routing;

/// <summary>The answer to a <see cref="RouteCompletion"/>: exactly one of the two responses.</summary>
internal readonly record struct RouteResult(CompletionRouted? Routed, CompletionFailed? Failed)
{
    public static implicit operator RouteResult(CompletionRouted routed) => new(routed, null);

    public static implicit operator RouteResult(CompletionFailed failed) => new(null, failed);
}
