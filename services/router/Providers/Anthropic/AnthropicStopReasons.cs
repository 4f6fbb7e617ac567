namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Anthropic's <c>stop_reason</c> and OpenAI's <c>finish_reason</c>, both ways (the reverse is for clients that speak
/// Anthropic to a model behind any provider). A reason with no OpenAI meaning (<c>pause_turn</c>, and any reason
/// Anthropic adds later) passes verbatim: mapping it to <c>stop</c> would tell the client an unfinished turn ended.
/// </summary>
internal static class AnthropicStopReasons
{
    public const string EndTurn = "end_turn";
    public const string StopSequence = "stop_sequence";
    public const string MaxTokens = "max_tokens";
    public const string ToolUse = "tool_use";
    public const string Refusal = "refusal";
    public const string ContextWindowExceeded = "model_context_window_exceeded";

    public static string ToFinishReason(string stopReason) => stopReason switch
    {
        EndTurn or StopSequence => "stop",
        MaxTokens or ContextWindowExceeded => "length",
        ToolUse => "tool_calls",
        Refusal => "content_filter",
        _ => stopReason,
    };

    public static string FromFinishReason(string finishReason) => finishReason switch
    {
        "stop" => EndTurn,
        "length" => MaxTokens,
        "tool_calls" or "function_call" => ToolUse,
        "content_filter" => Refusal,
        _ => finishReason,
    };
}
