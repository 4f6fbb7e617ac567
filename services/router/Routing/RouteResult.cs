using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Routing;

/// <summary>The answer to a <see cref="RouteCompletion"/>: exactly one of the two responses.</summary>
/// <param name="BilledAttempts">Of the answer's attempts, those the provider bills (it began answering); for the router's report.</param>
internal readonly record struct RouteResult(CompletionRouted? Routed, CompletionFailed? Failed, int BilledAttempts = 0)
{
    /// <summary>The primary's half when the request was sampled for shadow traffic: started once the answer has left.</summary>
    public Shadowing.PrimaryCall? Shadow { get; init; }

    public static implicit operator RouteResult(CompletionRouted routed) => new(routed, null);

    public static implicit operator RouteResult(CompletionFailed failed) => new(null, failed);
}
