using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// A whole Anthropic message as an OpenAI <c>chat.completion</c>: text blocks joined as <c>content</c>;
/// <c>tool_use</c> blocks as <c>tool_calls</c> (arguments = the JSON text of the input); thinking blocks joined as
/// <c>reasoning_content</c> and kept whole, signatures included, in <c>thinking_blocks</c> for the client to send back
/// (<see cref="AnthropicMessages"/>); <c>stop_reason</c> and usage mapped by <see cref="AnthropicStopReasons"/> and
/// <see cref="AnthropicUsage"/>. The id is Anthropic's with OpenAI's <c>chatcmpl-</c> prefix, so support requests to
/// either can quote it; the model is the client's public name.
/// </summary>
internal static class AnthropicResponseReader
{
    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body, long created)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ProviderJson.Read(body, (call, created), static (state, root) => Read(state.call, root, state.created), ProviderResponse.Invalid);
    }

    private static ProviderResponse Read(ProviderCall call, JsonElement root, long created)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("content", out var content)
            || content.ValueKind != JsonValueKind.Array)
        {
            return ProviderResponse.Invalid;
        }

        var jsonTool = AnthropicJsonMode.ToolName(call.Body);
        StringBuilder? text = null;
        StringBuilder? reasoning = null;
        var thinkingBlocks = new List<JsonElement>();
        var toolUses = new List<JsonElement>();
        var answeredWithJsonTool = false;
        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object || !TryString(block, "type", out var type))
            {
                return ProviderResponse.Invalid;
            }

            switch (type)
            {
                case "text":
                    if (!TryString(block, "text", out var piece))
                    {
                        return ProviderResponse.Invalid;
                    }

                    (text ??= new()).Append(piece);
                    break;
                case "thinking":
                    if (TryString(block, "thinking", out var thought))
                    {
                        (reasoning ??= new()).Append(thought);
                    }

                    thinkingBlocks.Add(block);
                    break;
                case "redacted_thinking":
                    thinkingBlocks.Add(block);
                    break;
                case "tool_use":
                    if (!TryString(block, "id", out _) || !TryString(block, "name", out var name))
                    {
                        return ProviderResponse.Invalid;
                    }

                    if (name == jsonTool)
                    {
                        answeredWithJsonTool = true;
                        (text ??= new()).Append(Input(block));
                    }
                    else
                    {
                        toolUses.Add(block);
                    }

                    break;
                default:
                    // Server tools and their results have no OpenAI counterpart.
                    break;
            }
        }

        var stopReason = TryString(root, "stop_reason", out var reason) ? reason : null;
        var finish = stopReason is null ? null
            : answeredWithJsonTool && stopReason == AnthropicStopReasons.ToolUse ? "stop"
            : AnthropicStopReasons.ToFinishReason(stopReason);
        var usage = AnthropicUsage.Read(root);
        var id = TryString(root, "id", out var messageId) ? messageId : call.RequestId.ToString("N", CultureInfo.InvariantCulture);

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", "chatcmpl-" + id);
            json.WriteString("object", "chat.completion");
            json.WriteNumber("created", created);
            json.WriteString("model", call.Deployment.Model);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            WriteNullable(json, "content", text?.ToString());
            json.WriteNull("refusal");
            if (reasoning is not null)
            {
                json.WriteString("reasoning_content", reasoning.ToString());
            }

            if (thinkingBlocks.Count > 0)
            {
                json.WriteStartArray("thinking_blocks");
                thinkingBlocks.ForEach(block => block.WriteTo(json));
                json.WriteEndArray();
            }

            if (toolUses.Count > 0)
            {
                json.WriteStartArray("tool_calls");
                foreach (var toolUse in toolUses)
                {
                    json.WriteStartObject();
                    json.WritePropertyName("id");
                    toolUse.GetProperty("id").WriteTo(json);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WritePropertyName("name");
                    toolUse.GetProperty("name").WriteTo(json);
                    json.WriteString("arguments", Input(toolUse));
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteNull("logprobs");
            WriteNullable(json, "finish_reason", finish);
            if (stopReason == AnthropicStopReasons.StopSequence && TryString(root, "stop_sequence", out var matched))
            {
                // The mesh's one addition to OpenAI's choice (see OpenAiChunkWriter.WriteChoice).
                json.WriteString("stop_sequence", matched);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            if (usage is { } counts)
            {
                OpenAiUsageJson.Write(json, counts.ToTokenUsage());
            }

            json.WriteEndObject();
        }

        return new ProviderResponse(Encoding.UTF8.GetString(buffer.WrittenSpan), usage?.ToTokenUsage());
    }

    /// <summary>A tool's input as the JSON text OpenAI carries in <c>arguments</c>.</summary>
    private static string Input(JsonElement toolUse) =>
        toolUse.TryGetProperty("input", out var input) ? input.GetRawText() : "{}";

    private static bool TryString(JsonElement parent, string name, out string value)
    {
        value = "";
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString()!;
        return true;
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
