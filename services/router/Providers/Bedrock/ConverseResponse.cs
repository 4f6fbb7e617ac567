using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// A Converse answer (<c>output.message.content</c>, <c>stopReason</c>, <c>usage</c>) as an OpenAI
/// <c>chat.completion</c>: text blocks joined as the content (null when there is none), <c>toolUse</c> blocks as
/// <c>tool_calls</c> with their input as the arguments string. Reasoning and other blocks OpenAI's chat format has
/// no place for are left out. An answer whose stop reason has no OpenAI meaning is not readable.
/// </summary>
internal static class ConverseResponse
{
    public static ProviderResponse Read(ReadOnlySpan<byte> body, string id, long created, string model)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Object
                || !output.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("stopReason", out var stop) || stop.ValueKind != JsonValueKind.String
                || ConverseStopReason.ToFinishReason(stop.GetString()) is not { } finishReason)
            {
                return ProviderResponse.Invalid;
            }

            var usage = ConverseUsage.Read(root);
            var buffer = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var w = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
            {
                w.WriteStartObject();
                JsonText.WriteChatHeader(w, id, "chat.completion", created, model);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                WriteMessage(w, content);
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", finishReason);
                w.WriteEndObject();
                w.WriteEndArray();
                if (usage is not null)
                {
                    OpenAiUsageJson.Write(w, usage);
                }

                w.WriteEndObject();
            }

            return new ProviderResponse(Encoding.UTF8.GetString(buffer.WrittenSpan), usage);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON, or a string JSON allows but .NET cannot hold (a lone surrogate escape).
            return ProviderResponse.Invalid;
        }
    }

    private static void WriteMessage(Utf8JsonWriter w, JsonElement content)
    {
        var text = new StringBuilder();
        var hasText = false;
        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                text.Append(value.GetString());
                hasText = true;
            }
        }

        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (hasText)
        {
            w.WriteString("content", text.ToString());
        }
        else
        {
            w.WriteNull("content");
        }

        w.WriteNull("refusal");
        var calls = content.EnumerateArray()
            .Where(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("toolUse", out var t) && t.ValueKind == JsonValueKind.Object)
            .Select(b => b.GetProperty("toolUse"))
            .ToArray();
        if (calls.Length > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", JsonText.Of(call, "toolUseId"));
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", JsonText.Of(call, "name"));
                w.WriteString("arguments", call.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

}
