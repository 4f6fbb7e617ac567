namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// How one API surface writes what a <see cref="CompletionExchange"/> relays: errors, a whole answer, stream events.
/// The mesh's answers are OpenAI-shaped whatever the surface; a writer renders them in its surface's format. One
/// instance serves one exchange, so a writer may keep state across a stream (as the Anthropic translation does).
/// The exchange sets the stream's status and headers before the first chunk; a writer writes bodies only.
/// </summary>
internal interface IAnswerWriter
{
    /// <summary>An error answered before any byte of the body was sent: status, headers and body.</summary>
    Task WriteErrorAsync(HttpResponse response, ApiError error);

    /// <summary>The whole answer (an OpenAI <c>chat.completion</c> or embeddings body) with its status.</summary>
    Task WriteAnswerAsync(HttpResponse response, int status, string body, CancellationToken aborted);

    /// <summary>One streamed OpenAI chunk, as the surface's events (possibly none).</summary>
    Task WriteChunkAsync(HttpResponse response, string chunk, CancellationToken aborted);

    /// <summary>Called on the exchange's heartbeat while a stream is open and nothing arrived.</summary>
    Task WriteHeartbeatAsync(HttpResponse response, CancellationToken aborted);

    /// <summary>Ends a stream: completed when <paramref name="error"/> is null, else with an error event, never as complete.</summary>
    Task EndStreamAsync(HttpResponse response, ApiError? error, CancellationToken aborted);
}
