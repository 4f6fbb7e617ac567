using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>What one upstream event means for the client.</summary>
/// <param name="Chunk">The OpenAI chunk JSON to forward, for <see cref="StreamStepKind.Forward"/> (and a last one for <see cref="StreamStepKind.Done"/>).</param>
/// <param name="Usage">Token usage the event reported, if any; the latest one wins.</param>
/// <param name="Error">For <see cref="StreamStepKind.Failed"/>.</param>
internal readonly record struct StreamStep(StreamStepKind Kind, string? Chunk = null, TokenUsage? Usage = null, UpstreamError? Error = null)
{
    public static StreamStep Forward(string chunk, TokenUsage? usage = null) => new(StreamStepKind.Forward, chunk, usage);

    public static StreamStep Skip(TokenUsage? usage = null) => new(StreamStepKind.Skip, Usage: usage);

    /// <param name="lastChunk">
    /// A chunk to send before ending, for a provider whose final event both completes the answer and carries
    /// something for the client (Bedrock's <c>metadata</c> event: the usage chunk).
    /// </param>
    public static StreamStep Done(TokenUsage? usage = null, string? lastChunk = null) => new(StreamStepKind.Done, lastChunk, usage);

    public static StreamStep Failed(UpstreamError error) => new(StreamStepKind.Failed, Error: error);
}
