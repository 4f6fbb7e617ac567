namespace AiMesh.Contracts.Routing;

/// <summary>
/// One server-sent event of a streamed answer, sent by the router straight to the ingress instance that holds
/// the client. <paramref name="Sequence"/> starts at 0 and has no gaps, so the ingress can restore order.
/// </summary>
/// <param name="Data">The event's <c>data:</c> payload (one OpenAI chunk as JSON).</param>
/// <param name="DroppedParameters">On the first chunk only: request fields the deployment dropped, so the ingress can say so in a header before the stream starts. Added after v1.</param>
[TransientMessage]
public sealed record CompletionChunk(Guid RequestId, int Sequence, string Data, IReadOnlyList<string>? DroppedParameters = null);
