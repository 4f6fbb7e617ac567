namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// Converse <c>stopReason</c> as OpenAI's <c>finish_reason</c>. A reason with no OpenAI meaning
/// (<c>malformed_model_output</c>, <c>malformed_tool_use</c>, or one added after this was written) maps to null:
/// the answer is then a failure, never given a finish reason the model did not mean.
/// </summary>
internal static class ConverseStopReason
{
    public static string? ToFinishReason(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" => "stop",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" or "content_filtered" => "content_filter",
        _ => null,
    };
}
