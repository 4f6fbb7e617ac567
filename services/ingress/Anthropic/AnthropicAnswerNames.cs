using System.Text.Json;

namespace AiMesh.Ingress.Anthropic;

/// <summary>What an answer is called on each side: message ids and stop reasons.</summary>
internal static class AnthropicAnswerNames
{
    /// <summary>
    /// A message id from the mesh's completion id: the mesh's Anthropic adapter answers <c>chatcmpl-msg_…</c> (Anthropic's
    /// own id, prefixed), which goes back to <c>msg_…</c>; any other id gets the <c>msg_</c> prefix.
    /// </summary>
    public static string MessageId(string? completionId)
    {
        var id = completionId ?? Guid.NewGuid().ToString("N");
        if (id.StartsWith("chatcmpl-", StringComparison.Ordinal))
        {
            id = id["chatcmpl-".Length..];
        }

        return id.StartsWith("msg_", StringComparison.Ordinal) ? id : "msg_" + id;
    }

    /// <summary>
    /// OpenAI's <c>finish_reason</c> as Anthropic's <c>stop_reason</c>: <c>stop</c> → <c>end_turn</c>, <c>length</c> →
    /// <c>max_tokens</c>, <c>tool_calls</c> → <c>tool_use</c>, <c>content_filter</c> → <c>refusal</c>. A reason with no
    /// OpenAI meaning that the mesh passed verbatim (<c>pause_turn</c>) goes back as it is. OpenAI's <c>stop</c> cannot say
    /// whether a stop sequence matched; the mesh's choices add <c>stop_sequence</c> when the provider said which (see
    /// <see cref="StopSequence"/>), and then the reason is <c>stop_sequence</c>.
    /// </summary>
    public static string StopReason(string finishReason, string? stopSequence = null) => finishReason switch
    {
        "stop" when stopSequence is not null => "stop_sequence",
        "stop" => "end_turn",
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => finishReason,
    };

    /// <summary>The stop sequence a choice says ended the answer (the mesh's <c>stop_sequence</c> member), if any.</summary>
    public static string? StopSequence(JsonElement choice) => String(choice, "stop_sequence");

    public static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
