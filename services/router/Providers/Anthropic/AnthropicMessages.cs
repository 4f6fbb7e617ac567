using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// OpenAI <c>messages</c> as Anthropic's <c>system</c> and <c>messages</c>:
/// <list type="bullet">
/// <item><c>system</c> and <c>developer</c> messages, wherever they stand, are lifted into <c>system</c> in order
/// (Anthropic has no system turn inside the conversation).</item>
/// <item><c>tool</c> messages become <c>tool_result</c> blocks of a user turn; assistant <c>tool_calls</c> become
/// <c>tool_use</c> blocks with the arguments parsed back into an object.</item>
/// <item>Consecutive turns of one role are merged into one, as Anthropic requires alternation (a tool result and the
/// user's next words share a turn, results first).</item>
/// <item>A message-level <c>cache_control</c> goes onto the message's last block, which is where Anthropic reads it.</item>
/// <item>An assistant message's <c>thinking_blocks</c> (what the mesh returned with the answer, signatures included)
/// go back first in the turn, so extended thinking survives a tool-use round trip. <c>reasoning_content</c> alone
/// cannot go back: Anthropic accepts thinking only with its signature, and it ignores earlier turns' thinking anyway.</item>
/// </list>
/// </summary>
internal static class AnthropicMessages
{
    // Arguments naming one member twice have no single meaning; refusing them beats picking one.
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    public static void Translate(JsonObject source, JsonObject target, List<string> unsupported)
    {
        var system = new List<JsonNode>();
        var turns = new List<(string Role, List<JsonNode> Blocks)>();
        if (source["messages"] is JsonArray messages)
        {
            foreach (var node in messages)
            {
                if (node is JsonObject message)
                {
                    AddMessage(message, system, turns, unsupported);
                }
                else
                {
                    JsonNodes.AddOnce(unsupported, "messages");
                }
            }
        }

        if (system.Count == 1 && AnthropicContent.PlainText(system[0]) is { } systemText)
        {
            target["system"] = systemText;
        }
        else if (system.Count > 0)
        {
            target["system"] = new JsonArray([.. system]);
        }

        var result = new JsonArray();
        foreach (var (role, blocks) in turns)
        {
            result.Add(new JsonObject
            {
                ["role"] = role,
                ["content"] = blocks.Count == 1 && AnthropicContent.PlainText(blocks[0]) is { } text ? text : new JsonArray([.. blocks]),
            });
        }

        target["messages"] = result;
    }

    private static void AddMessage(JsonObject message, List<JsonNode> system, List<(string Role, List<JsonNode> Blocks)> turns, List<string> unsupported)
    {
        if (message["name"] is not null)
        {
            // Anthropic has no participant names; folding one into the text would change what the model reads.
            JsonNodes.AddOnce(unsupported, "messages[].name");
        }

        var blocks = new List<JsonNode>();
        string role;
        switch (JsonNodes.String(message["role"]))
        {
            case "system" or "developer":
                AnthropicContent.Append(message["content"], blocks, unsupported);
                ApplyCacheControl(message, blocks);
                system.AddRange(blocks);
                return;
            case "user":
                role = "user";
                AnthropicContent.Append(message["content"], blocks, unsupported);
                break;
            case "assistant":
                role = "assistant";
                AppendAssistant(message, blocks, unsupported);
                break;
            case "tool":
                role = "user";
                blocks.Add(ToolResult(message, unsupported));
                break;
            case "function":
                JsonNodes.AddOnce(unsupported, "functions");
                return;
            default:
                JsonNodes.AddOnce(unsupported, "messages[].role");
                return;
        }

        // An empty turn says nothing, and Anthropic refuses empty content: leaving it out changes nothing.
        if (blocks.Count == 0)
        {
            return;
        }

        ApplyCacheControl(message, blocks);
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Blocks.AddRange(blocks);
        }
        else
        {
            turns.Add((role, blocks));
        }
    }

    private static void AppendAssistant(JsonObject message, List<JsonNode> blocks, List<string> unsupported)
    {
        if (message["thinking_blocks"] is JsonArray thinking)
        {
            blocks.AddRange(thinking.OfType<JsonObject>().Select(block => block.DeepClone()));
        }

        var before = blocks.Count;
        AnthropicContent.Append(message["content"], blocks, unsupported);
        if (blocks.Count == before && JsonNodes.String(message["refusal"]) is { } refusal)
        {
            AnthropicContent.AppendText(blocks, refusal);
        }

        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                if (ToolUse(call, unsupported) is { } block)
                {
                    blocks.Add(block);
                }
            }
        }

        if (message["function_call"] is not null)
        {
            JsonNodes.AddOnce(unsupported, "functions");
        }

        if (message["audio"] is not null)
        {
            JsonNodes.AddOnce(unsupported, "audio");
        }
    }

    private static JsonObject? ToolUse(JsonNode? node, List<string> unsupported)
    {
        if (node is not JsonObject call || (JsonNodes.String(call["type"]) ?? "function") != "function" || call["function"] is not JsonObject function)
        {
            JsonNodes.AddOnce(unsupported, "tool_calls");
            return null;
        }

        var arguments = JsonNodes.String(function["arguments"]);
        JsonObject input;
        if (string.IsNullOrWhiteSpace(arguments))
        {
            input = [];
        }
        else if (ParseObject(arguments) is { } parsed)
        {
            input = parsed;
        }
        else
        {
            // Anthropic takes a tool's input only as an object; text that is not one cannot be sent as it is.
            JsonNodes.AddOnce(unsupported, "tool_calls[].function.arguments");
            input = [];
        }

        return new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = call["id"]?.DeepClone(),
            ["name"] = function["name"]?.DeepClone(),
            ["input"] = input,
        };
    }

    private static JsonObject ToolResult(JsonObject message, List<string> unsupported)
    {
        var result = new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = message["tool_call_id"]?.DeepClone() };
        if (message["is_error"] is JsonValue failed && failed.TryGetValue<bool>(out var isError) && isError)
        {
            // The mesh's member for a failed tool (what the ingress's Anthropic surface keeps of a tool_result).
            result["is_error"] = true;
        }

        var content = message["content"];
        if (JsonNodes.String(content) is { } text)
        {
            if (text.Length > 0)
            {
                result["content"] = text;
            }
        }
        else if (content is not null)
        {
            var blocks = new List<JsonNode>();
            AnthropicContent.Append(content, blocks, unsupported);
            result["content"] = new JsonArray([.. blocks]);
        }

        return result;
    }

    private static void ApplyCacheControl(JsonObject message, List<JsonNode> blocks)
    {
        if (message["cache_control"] is { } cacheControl && blocks.Count > 0 && blocks[^1] is JsonObject last && !last.ContainsKey("cache_control"))
        {
            last["cache_control"] = cacheControl.DeepClone();
        }
    }

    private static JsonObject? ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
