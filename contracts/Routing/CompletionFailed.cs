namespace AiMesh.Contracts.Routing;

/// <summary>
/// The call did not complete. When chunks were already sent (<paramref name="ChunkCount"/> &gt; 0) the ingress
/// ends the client's stream with an error event after them; it never invents a finish.
/// </summary>
/// <param name="Outcome">One of <see cref="CompletionOutcomes"/>.</param>
/// <param name="Type">OpenAI error type, e.g. <c>api_error</c>, <c>invalid_request_error</c>.</param>
/// <param name="Cost">
/// What the provider bills for the attempts made although the call failed (a stream cut after output began, a client
/// that left mid-stream); 0 when nothing was billed; null when unknown (no deployment, an unpriced model). Added after v1.
/// </param>
[TransientMessage]
public sealed record CompletionFailed(
    Guid RequestId,
    int Status,
    string Type,
    string Code,
    string Message,
    string? Param,
    int? RetryAfterSeconds,
    int ChunkCount,
    string Outcome,
    string? Deployment,
    string? Provider,
    int Attempts,
    TokenUsage? Usage,
    Cost? Cost = null);
