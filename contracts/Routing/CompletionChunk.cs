namespace AiMesh.Contracts.Routing;

/// <summary>
/// One server-sent event of a streamed answer, sent by the router straight to the ingress instance that holds
/// the client. <paramref name="Sequence"/> starts at 0 and has no gaps, so the ingress can restore order.
/// </summary>
/// <param name="Data">The event's <c>data:</c> payload (one OpenAI chunk as JSON).</param>
public sealed record CompletionChunk(Guid RequestId, int Sequence, string Data);
