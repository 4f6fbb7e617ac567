namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's <c>finish_reason</c> as OpenAI's: <c>stop</c>, <c>length</c> and <c>tool_calls</c> are the same;
/// <c>model_length</c> (the model's context filled up) is <c>length</c>. <c>error</c> (the model failed mid-answer) and
/// reasons Mistral adds later have no OpenAI meaning: the call fails naming the reason, so a client never takes a broken
/// answer for a complete one.
/// </summary>
internal static class MistralFinishReasons
{
    /// <returns>The OpenAI reason, or null when <paramref name="reason"/> has no faithful one.</returns>
    public static string? ToOpenAi(string? reason) => reason switch
    {
        "stop" => "stop",
        "length" or "model_length" => "length",
        "tool_calls" => "tool_calls",
        _ => null,
    };

    public static UpstreamError Failure(string? reason)
    {
        var named = reason is null ? "none" : reason.Length <= 48 ? reason : reason[..48];
        return new UpstreamError($"The model stopped without a complete answer (finish reason {named}).", "model_error", null);
    }
}
