using System.Text.Json;

namespace AiMesh.MockProvider.Cohere;

/// <summary>Cohere v2 chat objects: the whole answer, and each stream event's data (its <c>type</c> is also the SSE event name).</summary>
internal static class CohereChatJson
{
    public static void WriteAnswer(Utf8JsonWriter w, CohereAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("id", answer.Id);
        w.WriteString("finish_reason", answer.FinishReason);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (answer.IsToolCall)
        {
            if (answer.Plan.Count > 0)
            {
                w.WriteString("tool_plan", string.Concat(answer.Plan));
            }

            w.WriteStartArray("tool_calls");
            WriteToolCall(w, answer, answer.Text);
            w.WriteEndArray();
        }
        else
        {
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", answer.Text);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
        WriteUsage(w, answer);
        w.WriteEndObject();
    }

    public static void WriteMessageStart(Utf8JsonWriter w, CohereAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("id", answer.Id);
        w.WriteString("type", "message-start");
        w.WriteStartObject("delta");
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteString("tool_plan", "");
        w.WriteStartArray("tool_calls");
        w.WriteEndArray();
        w.WriteStartArray("citations");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>content-start</c> (an empty text) or <c>content-delta</c> (a piece of it).</summary>
    public static void WriteContent(Utf8JsonWriter w, string type, string text)
    {
        StartDelta(w, type, index: 0);
        w.WriteStartObject("content");
        if (type == "content-start")
        {
            w.WriteString("type", "text");
        }

        w.WriteString("text", text);
        w.WriteEndObject();
        EndDelta(w);
    }

    public static void WriteToolPlanDelta(Utf8JsonWriter w, string piece)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool-plan-delta");
        w.WriteStartObject("delta");
        w.WriteStartObject("message");
        w.WriteString("tool_plan", piece);
        EndDelta(w);
    }

    public static void WriteToolCallStart(Utf8JsonWriter w, CohereAnswer answer)
    {
        StartDelta(w, "tool-call-start", index: 0);
        w.WritePropertyName("tool_calls");
        WriteToolCall(w, answer, "");
        EndDelta(w);
    }

    public static void WriteToolCallDelta(Utf8JsonWriter w, string piece)
    {
        StartDelta(w, "tool-call-delta", index: 0);
        w.WriteStartObject("tool_calls");
        w.WriteStartObject("function");
        w.WriteString("arguments", piece);
        w.WriteEndObject();
        w.WriteEndObject();
        EndDelta(w);
    }

    /// <summary><c>content-end</c> or <c>tool-call-end</c>.</summary>
    public static void WriteEnd(Utf8JsonWriter w, string type)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteNumber("index", 0);
        w.WriteEndObject();
    }

    /// <param name="error">Set when the stream fails: Cohere ends it with <c>finish_reason: "ERROR"</c> and the error's text.</param>
    public static void WriteMessageEnd(Utf8JsonWriter w, CohereAnswer answer, string? error)
    {
        w.WriteStartObject();
        w.WriteString("type", "message-end");
        w.WriteStartObject("delta");
        if (error is not null)
        {
            w.WriteString("error", error);
        }

        w.WriteString("finish_reason", error is null ? answer.FinishReason : "ERROR");
        WriteUsage(w, answer);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteToolCall(Utf8JsonWriter w, CohereAnswer answer, string arguments)
    {
        w.WriteStartObject();
        w.WriteString("id", answer.ToolCallId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", answer.ToolName);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, CohereAnswer answer)
    {
        if (!answer.SendUsage)
        {
            return;
        }

        w.WriteStartObject("usage");
        w.WriteStartObject("billed_units");
        w.WriteNumber("input_tokens", answer.BilledInputTokens);
        w.WriteNumber("output_tokens", answer.OutputTokens);
        w.WriteEndObject();
        w.WriteStartObject("tokens");
        w.WriteNumber("input_tokens", answer.BilledInputTokens + CohereAnswer.TemplateTokens);
        w.WriteNumber("output_tokens", answer.OutputTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void StartDelta(Utf8JsonWriter w, string type, int index)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        w.WriteStartObject("message");
    }

    private static void EndDelta(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
