namespace AiMesh.Router.Routing;

/// <summary>What a request's walk through its model groups ended with (<see cref="FallbackChain.RunAsync"/>).</summary>
/// <param name="Final">The last group's end: an answer, a failure, or every deployment's refusal.</param>
/// <param name="LastCalled">The latest attempt, in any group, that was sent to a provider: the real error to answer with when the last group only refused.</param>
/// <param name="Made">Provider calls in every group.</param>
internal sealed record FallbackRun(AttemptResult Final, AttemptResult? LastCalled, int Made);
