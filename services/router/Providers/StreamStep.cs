using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>What one upstream event means for the client.</summary>
/// <param name="Chunk">
/// The OpenAI chunk JSON to forward, for <see cref="StreamStepKind.Forward"/>; for <see cref="StreamStepKind.Done"/>
/// an optional last chunk, sent before the answer completes (a provider whose final event both ends the answer and
/// carries the usage the client asked for needs one more chunk there).
/// </param>
/// <param name="Usage">Token usage the event reported, if any; the latest one wins.</param>
/// <param name="Error">For <see cref="StreamStepKind.Failed"/>.</param>
/// <param name="Then">
/// More chunks sent right after <paramref name="Chunk"/>, for a provider event that means several OpenAI chunks (an
/// event that both finishes the answer and carries the usage is OpenAI's finish chunk and then its usage chunk).
/// </param>
internal readonly record struct StreamStep(StreamStepKind Kind, string? Chunk = null, TokenUsage? Usage = null, UpstreamError? Error = null, IReadOnlyList<string>? Then = null)
{
    public static StreamStep Forward(string chunk, TokenUsage? usage = null, IReadOnlyList<string>? then = null) => new(StreamStepKind.Forward, chunk, usage, Then: then);

    public static StreamStep Skip(TokenUsage? usage = null) => new(StreamStepKind.Skip, Usage: usage);

    public static StreamStep Done(TokenUsage? usage = null, string? lastChunk = null, IReadOnlyList<string>? then = null) => new(StreamStepKind.Done, lastChunk, usage, Then: then);

    public static StreamStep Failed(UpstreamError error) => new(StreamStepKind.Failed, Error: error);
}
