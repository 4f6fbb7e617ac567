using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>A complete (not streamed) answer, translated. A class, not a record, so nothing prints the body.</summary>
/// <param name="body">The OpenAI-shaped answer JSON; null when the answer could not be read.</param>
internal sealed class ProviderResponse(string? body, TokenUsage? usage)
{
    public static readonly ProviderResponse Invalid = new(null, null);

    public string? Body { get; } = body;

    public TokenUsage? Usage { get; } = usage;

    public bool IsValid => Body is not null;

    /// <summary>
    /// Set when a 2xx answer is really a refusal (Gemini answers a blocked prompt with 200 and
    /// <c>promptFeedback.blockReason</c>): the transport fails the call with it as it would an error status.
    /// </summary>
    public UpstreamError? Error { get; private init; }

    public static ProviderResponse Refused(UpstreamError error, TokenUsage? usage = null) => new(null, usage) { Error = error };
}
