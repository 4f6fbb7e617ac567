using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// The Converse answer and the ConverseStream event payloads, shaped after Bedrock's documented examples. Stream
/// payloads carry the <c>p</c> member Bedrock pads events with (its length varies so sizes leak nothing); readers
/// must ignore it.
/// </summary>
internal static class ConverseJson
{
    public const string ToolUseId = "tooluse_mock_1";

    private const string Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The Converse <c>stopReason</c> for the planner's finish reason; a scenario's own value passes as it is.</summary>
    public static string StopReason(string finishReason) => finishReason switch
    {
        "stop" => "end_turn",
        "length" => "max_tokens",
        "tool_calls" => "tool_use",
        "content_filter" => "content_filtered",
        _ => finishReason,
    };

    public static void WriteAnswer(Utf8JsonWriter w, (Reply Reply, int PromptTokens, bool Usage) state)
    {
        var (reply, promptTokens, usage) = state;
        w.WriteStartObject();
        w.WriteStartObject("output");
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        w.WriteStartObject();
        if (reply.IsToolCall)
        {
            w.WriteStartObject("toolUse");
            w.WriteString("toolUseId", ToolUseId);
            w.WriteString("name", reply.ToolName);
            w.WritePropertyName("input");
            w.WriteRawValue(reply.Text);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", reply.Text);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("stopReason", StopReason(reply.FinishReason));
        if (usage)
        {
            WriteUsage(w, promptTokens, reply.Pieces.Count);
        }

        w.WriteStartObject("metrics");
        w.WriteNumber("latencyMs", 42);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteMessageStart(Utf8JsonWriter w, int sequence) => Event(w, sequence, static w => w.WriteString("role", "assistant"));

    public static void WriteToolStart(Utf8JsonWriter w, int sequence, string name) => Event(w, sequence, w =>
    {
        w.WriteNumber("contentBlockIndex", 0);
        w.WriteStartObject("start");
        w.WriteStartObject("toolUse");
        w.WriteString("toolUseId", ToolUseId);
        w.WriteString("name", name);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>A piece of text, or of a tool call's input JSON.</summary>
    public static void WriteDelta(Utf8JsonWriter w, int sequence, string piece, bool toolInput) => Event(w, sequence, w =>
    {
        w.WriteNumber("contentBlockIndex", 0);
        w.WriteStartObject("delta");
        if (toolInput)
        {
            w.WriteStartObject("toolUse");
            w.WriteString("input", piece);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text", piece);
        }

        w.WriteEndObject();
    });

    public static void WriteBlockStop(Utf8JsonWriter w, int sequence) => Event(w, sequence, static w => w.WriteNumber("contentBlockIndex", 0));

    public static void WriteMessageStop(Utf8JsonWriter w, int sequence, string stopReason) => Event(w, sequence, w => w.WriteString("stopReason", stopReason));

    public static void WriteMetadata(Utf8JsonWriter w, int sequence, int promptTokens, int completionTokens, bool usage) => Event(w, sequence, w =>
    {
        if (usage)
        {
            WriteUsage(w, promptTokens, completionTokens);
        }

        w.WriteStartObject("metrics");
        w.WriteNumber("latencyMs", 42);
        w.WriteEndObject();
    });

    private static void Event(Utf8JsonWriter w, int sequence, Action<Utf8JsonWriter> members)
    {
        w.WriteStartObject();
        members(w);
        w.WriteString("p", Padding[..(1 + (sequence * 7 % Padding.Length))]);
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, int promptTokens, int completionTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("inputTokens", promptTokens);
        w.WriteNumber("outputTokens", completionTokens);
        w.WriteNumber("totalTokens", promptTokens + completionTokens);
        w.WriteEndObject();
    }
}
