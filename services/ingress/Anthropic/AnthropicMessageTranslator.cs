using System.Text.Json.Nodes;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// Anthropic <c>messages</c> as OpenAI messages, turn by turn and in order:
/// <list type="bullet">
/// <item>A user turn's <c>tool_result</c> blocks become <c>tool</c> messages (<c>tool_call_id</c> = <c>tool_use_id</c>,
/// content as text or parts); its other blocks become one user message, after the results, in the order sent
/// (Anthropic requires results first in the turn, so no order changes).</item>
/// <item>An assistant turn becomes one assistant message: text as <c>content</c>, <c>tool_use</c> blocks as
/// <c>tool_calls</c> (<c>arguments</c> = the input as JSON text), <c>thinking</c> and <c>redacted_thinking</c> blocks,
/// signatures included, as <c>thinking_blocks</c> — the member the mesh's Anthropic adapter sends back first in the
/// turn, so extended thinking survives a tool-use round trip.</item>
/// <item><c>cache_control</c> stays on text, image and document parts; on a <c>tool_result</c> it goes on the tool
/// message, on the last block of an assistant turn on the message, which is where the adapter puts it back.</item>
/// <item>A <c>tool_result</c>'s <c>is_error</c> is kept as <c>is_error</c> on the tool message, which the router's
/// Anthropic adapter sends back on (docs/anthropic-api.md).</item>
/// </list>
/// Consecutive turns of one role are allowed, as Anthropic allows them (it joins them into one turn); a final
/// assistant turn (a prefill) is passed as the last message.
/// </summary>
internal static class AnthropicMessageTranslator
{
    public static void Translate(JsonArray source, JsonArray target)
    {
        if (source.Count == 0)
        {
            throw new InvalidAnthropicRequest("messages", "at least one message is required");
        }

        for (var i = 0; i < source.Count; i++)
        {
            var path = $"messages.{i}";
            var message = AnthropicJson.Object(source[i], path);
            var role = AnthropicJson.String(message["role"], path + ".role");
            var blocks = Blocks(message["content"], path + ".content");
            switch (role)
            {
                case "user":
                    User(blocks, path + ".content", target);
                    break;
                case "assistant":
                    target.Add(Assistant(blocks, path + ".content"));
                    break;
                default:
                    throw new InvalidAnthropicRequest(path + ".role", "Input should be 'user' or 'assistant'");
            }
        }
    }

    /// <summary>Content as blocks: a string is one text block.</summary>
    private static List<(JsonObject Block, string Type, string Path)> Blocks(JsonNode? content, string path)
    {
        if (AnthropicJson.OptionalString(content is JsonValue ? content : null, path) is { } text)
        {
            return [(new JsonObject { ["type"] = "text", ["text"] = text }, "text", path)];
        }

        var blocks = new List<(JsonObject, string, string)>();
        var array = AnthropicJson.Array(content, path);
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"{path}.{i}";
            var block = AnthropicJson.Object(array[i], at);
            blocks.Add((block, AnthropicJson.String(block["type"], at + ".type"), at));
        }

        return blocks;
    }

    private static void User(List<(JsonObject Block, string Type, string Path)> blocks, string path, JsonArray target)
    {
        var parts = new List<JsonObject>();
        foreach (var (block, type, at) in blocks)
        {
            if (type == "tool_result")
            {
                Flush(parts, target);
                target.Add(ToolResult(block, at));
            }
            else
            {
                parts.Add(AnthropicBlocks.Part(block, type, at)
                    ?? throw new InvalidAnthropicRequest(at + ".type", $"a user message cannot hold a '{type}' block"));
            }
        }

        Flush(parts, target);
        if (blocks.Count == 0)
        {
            throw new InvalidAnthropicRequest(path, "a message needs at least one content block");
        }
    }

    private static void Flush(List<JsonObject> parts, JsonArray target)
    {
        if (parts.Count > 0)
        {
            target.Add(new JsonObject { ["role"] = "user", ["content"] = AnthropicBlocks.Content(parts) });
            parts.Clear();
        }
    }

    private static JsonObject ToolResult(JsonObject block, string path)
    {
        var message = new JsonObject
        {
            ["role"] = "tool",
            ["tool_call_id"] = AnthropicJson.String(block["tool_use_id"], path + ".tool_use_id"),
        };
        var content = block["content"];
        if (content is null || AnthropicJson.OptionalString(content is JsonValue ? content : null, path + ".content") is not null)
        {
            message["content"] = content?.DeepClone() ?? "";
        }
        else
        {
            var parts = new List<JsonObject>();
            foreach (var (inner, type, at) in Blocks(content, path + ".content"))
            {
                parts.Add(AnthropicBlocks.Part(inner, type, at)
                    ?? throw new InvalidAnthropicRequest(at + ".type", $"a tool result cannot hold a '{type}' block"));
            }

            message["content"] = AnthropicBlocks.Content(parts);
        }

        if (AnthropicJson.OptionalBoolean(block["is_error"], path + ".is_error") == true)
        {
            message["is_error"] = true;
        }

        AnthropicJson.CopyCacheControl(block, message, path);
        return message;
    }

    private static JsonObject Assistant(List<(JsonObject Block, string Type, string Path)> blocks, string path)
    {
        var parts = new List<JsonObject>();
        var calls = new JsonArray();
        var thinking = new JsonArray();
        foreach (var (block, type, at) in blocks)
        {
            switch (type)
            {
                case "tool_use":
                    calls.Add(ToolCall(block, at));
                    break;
                case "thinking":
                    thinking.Add(new JsonObject
                    {
                        ["type"] = "thinking",
                        ["thinking"] = AnthropicJson.String(block["thinking"], at + ".thinking"),
                        ["signature"] = AnthropicJson.String(block["signature"], at + ".signature"),
                    });
                    break;
                case "redacted_thinking":
                    thinking.Add(new JsonObject { ["type"] = "redacted_thinking", ["data"] = AnthropicJson.String(block["data"], at + ".data") });
                    break;
                default:
                    parts.Add(AnthropicBlocks.Part(block, type, at)
                        ?? throw new InvalidAnthropicRequest(at + ".type", $"an assistant message cannot hold a '{type}' block"));
                    break;
            }
        }

        if (blocks.Count == 0)
        {
            throw new InvalidAnthropicRequest(path, "a message needs at least one content block");
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = parts.Count > 0 ? AnthropicBlocks.Content(parts) : null };
        if (thinking.Count > 0)
        {
            message["thinking_blocks"] = thinking;
        }

        if (calls.Count > 0)
        {
            message["tool_calls"] = calls;
        }

        if (blocks[^1] is { Type: "tool_use" or "thinking" or "redacted_thinking" } last)
        {
            AnthropicJson.CopyCacheControl(last.Block, message, last.Path);
        }

        return message;
    }

    private static JsonObject ToolCall(JsonObject block, string path) => new()
    {
        ["id"] = AnthropicJson.String(block["id"], path + ".id"),
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = AnthropicJson.String(block["name"], path + ".name"),
            ["arguments"] = AnthropicJson.Object(block["input"], path + ".input").ToJsonString(),
        },
    };
}
