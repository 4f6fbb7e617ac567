using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>What one upstream event means for the client.</summary>
/// <param name="Chunk">The OpenAI chunk JSON to forward, for <see cref="StreamStepKind.Forward"/> (and optionally <see cref="StreamStepKind.Done"/>).</param>
/// <param name="Usage">Token usage the event reported, if any; the latest one wins.</param>
/// <param name="Error">For <see cref="StreamStepKind.Failed"/>.</param>
internal readonly record struct StreamStep(StreamStepKind Kind, string? Chunk = null, TokenUsage? Usage = null, UpstreamError? Error = null)
{
    public static StreamStep Forward(string chunk, TokenUsage? usage = null) => new(StreamStepKind.Forward, chunk, usage);

    public static StreamStep Skip(TokenUsage? usage = null) => new(StreamStepKind.Skip, Usage: usage);

    /// <param name="chunk">
    /// A last chunk to send before the stream ends, for providers whose final event also carries content, the finish
    /// reason and usage (Gemini); null when the final event has nothing for the client.
    /// </param>
    public static StreamStep Done(TokenUsage? usage = null, string? chunk = null) => new(StreamStepKind.Done, chunk, usage);

    public static StreamStep Failed(UpstreamError error) => new(StreamStepKind.Failed, Error: error);
}
