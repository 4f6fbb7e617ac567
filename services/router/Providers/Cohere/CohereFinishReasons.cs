namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// Cohere's <c>finish_reason</c> as OpenAI's: <c>COMPLETE</c> and <c>STOP_SEQUENCE</c> → <c>stop</c>, <c>MAX_TOKENS</c> and
/// <c>ERROR_LIMIT</c> (the model's context ran out while it wrote) → <c>length</c>, <c>TOOL_CALL</c> → <c>tool_calls</c>,
/// <c>ERROR_TOXIC</c> (the answer was stopped as harmful) → <c>content_filter</c>. <c>ERROR</c>, <c>USER_CANCEL</c> and
/// reasons Cohere adds later have no OpenAI meaning: the answer did not end as a model's answer ends, so the call fails
/// (<see cref="Failure"/>) rather than reporting a finish that did not happen.
/// </summary>
internal static class CohereFinishReasons
{
    public static string? ToOpenAi(string reason) => reason switch
    {
        "COMPLETE" or "STOP_SEQUENCE" => "stop",
        "MAX_TOKENS" or "ERROR_LIMIT" => "length",
        "TOOL_CALL" => "tool_calls",
        "ERROR_TOXIC" => "content_filter",
        _ => null,
    };

    /// <param name="error">The error text Cohere sent with the reason (a stream's <c>message-end</c> has one), if any.</param>
    public static UpstreamError Failure(string reason, string? error = null) => error is not null
        ? new(error, null, null, CohereErrors.Kind(error))
        : new(
        reason.Length <= 32 && reason.All(c => char.IsAsciiLetterUpper(c) || c == '_')
            ? $"The provider ended the answer with {reason}, which is not a complete answer."
            : "The provider ended the answer for a reason the OpenAI format cannot express.",
        null,
        null);
}
