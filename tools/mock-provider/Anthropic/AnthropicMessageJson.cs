using System.Text.Json;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>The Messages API's message object and stream events, shaped after Anthropic's documented examples.</summary>
internal static class AnthropicMessageJson
{
    public static void WriteMessage(Utf8JsonWriter w, AnthropicAnswer answer)
    {
        StartMessage(w, answer);
        w.WriteStartArray("content");
        if (answer.Thinking.Count > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "thinking");
            w.WriteString("thinking", answer.ThinkingText);
            w.WriteString("signature", answer.Signature);
            w.WriteEndObject();
        }

        w.WriteStartObject();
        if (answer.IsToolUse)
        {
            WriteToolUseHead(w, answer);
            w.WritePropertyName("input");
            w.WriteRawValue(answer.Text);
        }
        else
        {
            w.WriteString("type", "text");
            w.WriteString("text", answer.Text);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("stop_reason", answer.StopReason);
        WriteNullable(w, "stop_sequence", answer.StopSequence);
        if (answer.SendUsage)
        {
            WriteUsage(w, answer, answer.OutputTokens);
        }

        w.WriteEndObject();
    }

    public static void WriteMessageStart(Utf8JsonWriter w, AnthropicAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WritePropertyName("message");
        StartMessage(w, answer);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        if (answer.SendUsage)
        {
            // As Anthropic does: the input counts up front, output_tokens a small running count.
            WriteUsage(w, answer, 1);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteThinkingStart(Utf8JsonWriter w, int index)
    {
        StartBlock(w, index);
        w.WriteString("type", "thinking");
        w.WriteString("thinking", "");
        w.WriteString("signature", "");
        EndBlock(w);
    }

    public static void WriteContentStart(Utf8JsonWriter w, int index, AnthropicAnswer answer)
    {
        StartBlock(w, index);
        if (answer.IsToolUse)
        {
            WriteToolUseHead(w, answer);
            w.WriteStartObject("input");
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("type", "text");
            w.WriteString("text", "");
        }

        EndBlock(w);
    }

    public static void WriteDelta(Utf8JsonWriter w, int index, string deltaType, string member, string value)
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        w.WriteString("type", deltaType);
        w.WriteString(member, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteBlockStop(Utf8JsonWriter w, int index)
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
    }

    public static void WriteMessageDelta(Utf8JsonWriter w, AnthropicAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", answer.StopReason);
        WriteNullable(w, "stop_sequence", answer.StopSequence);
        w.WriteEndObject();
        if (answer.SendUsage)
        {
            WriteUsage(w, answer, answer.OutputTokens);
        }

        w.WriteEndObject();
    }

    public static void WriteTypeOnly(Utf8JsonWriter w, string type)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteEndObject();
    }

    private static void StartMessage(Utf8JsonWriter w, AnthropicAnswer answer)
    {
        w.WriteStartObject();
        w.WriteString("id", answer.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", answer.Model);
    }

    private static void WriteToolUseHead(Utf8JsonWriter w, AnthropicAnswer answer)
    {
        w.WriteString("type", "tool_use");
        w.WriteString("id", AnthropicAnswer.ToolUseId);
        w.WriteString("name", answer.ToolName);
    }

    private static void StartBlock(Utf8JsonWriter w, int index)
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", index);
        w.WriteStartObject("content_block");
    }

    private static void EndBlock(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, AnthropicAnswer answer, int outputTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", answer.InputTokens);
        w.WriteNumber("cache_creation_input_tokens", answer.CacheCreationTokens);
        w.WriteNumber("cache_read_input_tokens", answer.CacheReadTokens);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
