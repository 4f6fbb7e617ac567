using System.Buffers;
using System.Text.Json;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The mesh's whole answer (an OpenAI <c>chat.completion</c>) as an Anthropic <c>message</c>: thinking first (the
/// <c>thinking_blocks</c> the mesh kept whole, signatures included; else <c>reasoning_content</c> as one thinking block
/// without a signature), then the text (or the refusal text), then one <c>tool_use</c> block per tool call with its
/// arguments parsed back into the <c>input</c> object; <c>stop_reason</c> by <see cref="AnthropicAnswerNames"/>, usage by
/// <see cref="AnthropicUsage"/>; the model is the one the client asked for (else the one the answer names). Pure.
/// </summary>
internal static class AnthropicMessageWriter
{
    /// <returns>The message as UTF-8 JSON, or null when the completion cannot be read or expressed.</returns>
    public static byte[]? Translate(string completion, string? model)
    {
        try
        {
            using var document = JsonDocument.Parse(completion);
            return Translate(document.RootElement, model);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static byte[]? Translate(JsonElement root, string? model)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
            || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var calls = message.TryGetProperty("tool_calls", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
        var inputs = new List<JsonDocument>();
        try
        {
            if (calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var arguments = call.TryGetProperty("function", out var function) ? AnthropicAnswerNames.String(function, "arguments") : null;
                    var input = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
                    inputs.Add(input);
                    if (input.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        // Anthropic's tool input is an object; other JSON would be a different answer.
                        return null;
                    }
                }
            }

            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var json = new Utf8JsonWriter(buffer, AnthropicJsonWriting.Options))
            {
                json.WriteStartObject();
                json.WriteString("id", AnthropicAnswerNames.MessageId(AnthropicAnswerNames.String(root, "id")));
                json.WriteString("type", "message");
                json.WriteString("role", "assistant");
                json.WriteString("model", model ?? AnthropicAnswerNames.String(root, "model"));
                json.WriteStartArray("content");
                WriteThinking(json, message);
                var text = AnthropicAnswerNames.String(message, "content") ?? AnthropicAnswerNames.String(message, "refusal");
                if (!string.IsNullOrEmpty(text))
                {
                    json.WriteStartObject();
                    json.WriteString("type", "text");
                    json.WriteString("text", text);
                    json.WriteEndObject();
                }

                var i = 0;
                if (calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        json.WriteStartObject();
                        json.WriteString("type", "tool_use");
                        json.WriteString("id", AnthropicAnswerNames.String(call, "id") ?? $"toolu_{i}");
                        json.WriteString("name", call.TryGetProperty("function", out var function) ? AnthropicAnswerNames.String(function, "name") ?? "" : "");
                        json.WritePropertyName("input");
                        inputs[i++].RootElement.WriteTo(json);
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
                var finish = AnthropicAnswerNames.String(choices[0], "finish_reason");
                var sequence = finish == "stop" ? AnthropicAnswerNames.StopSequence(choices[0]) : null;
                if (finish is null)
                {
                    json.WriteNull("stop_reason");
                }
                else
                {
                    json.WriteString("stop_reason", AnthropicAnswerNames.StopReason(finish, sequence));
                }

                if (sequence is null)
                {
                    json.WriteNull("stop_sequence");
                }
                else
                {
                    json.WriteString("stop_sequence", sequence);
                }
                AnthropicUsage.Read(root.TryGetProperty("usage", out var usage) ? usage : default).Write(json);
                json.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            inputs.ForEach(input => input.Dispose());
        }
    }

    private static void WriteThinking(Utf8JsonWriter json, JsonElement message)
    {
        if (message.TryGetProperty("thinking_blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array && blocks.GetArrayLength() > 0)
        {
            foreach (var block in blocks.EnumerateArray())
            {
                if (block.ValueKind == JsonValueKind.Object && AnthropicAnswerNames.String(block, "type") is "thinking" or "redacted_thinking")
                {
                    block.WriteTo(json);
                }
            }

            return;
        }

        if (AnthropicAnswerNames.String(message, "reasoning_content") is { Length: > 0 } reasoning)
        {
            json.WriteStartObject();
            json.WriteString("type", "thinking");
            json.WriteString("thinking", reasoning);
            json.WriteString("signature", "");
            json.WriteEndObject();
        }
    }
}
