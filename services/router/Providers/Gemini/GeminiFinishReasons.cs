namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Gemini's <c>finishReason</c> as OpenAI's <c>finish_reason</c>. Reasons with no OpenAI meaning (a malformed
/// function call, an unsupported language, "other") are not dressed up as a normal stop: the call fails with the
/// reason named, so a client never takes a broken answer for a complete one.
/// </summary>
internal static class GeminiFinishReasons
{
    /// <returns>The OpenAI reason, or null when <paramref name="reason"/> has no faithful one.</returns>
    public static string? ToOpenAi(string reason, bool calledTools) => reason switch
    {
        "STOP" => calledTools ? "tool_calls" : "stop",
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII"
            or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => "content_filter",
        _ => null,
    };

    /// <summary>The failure for a reason <see cref="ToOpenAi"/> has no answer for.</summary>
    public static UpstreamError Failure(string reason) => new(
        $"The model stopped without a complete answer (finish reason {Shorten(reason)}).",
        Shorten(reason).ToLowerInvariant(),
        null);

    private static string Shorten(string reason) => reason.Length <= 48 ? reason : reason[..48];
}
