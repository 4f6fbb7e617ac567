namespace AiMesh.Contracts.Routing;

/// <summary>The provider answered completely.</summary>
/// <param name="Body">The answer JSON for a call that was not streamed; null when streamed.</param>
/// <param name="ChunkCount">How many <see cref="CompletionChunk"/> messages were sent (0 when not streamed).</param>
/// <param name="Attempts">Provider calls made, the successful one included.</param>
/// <param name="DroppedParameters">Request fields the provider cannot honour that the deployment is configured to drop; the ingress reports them in a warning header. Added after v1.</param>
/// <param name="Cost">What the request cost (every attempt); null when unknown (an unpriced model). Added after v1.</param>
[TransientMessage]
public sealed record CompletionRouted(
    Guid RequestId,
    int Status,
    string? Body,
    int ChunkCount,
    string Deployment,
    string Provider,
    int Attempts,
    TokenUsage? Usage,
    double? FirstByteMs,
    IReadOnlyList<string>? DroppedParameters = null,
    Cost? Cost = null);
