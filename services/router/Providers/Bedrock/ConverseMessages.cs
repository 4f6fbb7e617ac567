using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// OpenAI messages as Converse <c>system</c> blocks and <c>messages</c>. System and developer messages, wherever
/// they stand, become system text blocks in order (Converse has no system turn). Tool answers become
/// <c>toolResult</c> blocks of a user turn, assistant tool calls <c>toolUse</c> blocks; consecutive turns of one
/// role merge into one, since Converse wants user and assistant to alternate. Images: base64 <c>data:</c> URLs
/// (png, jpeg, gif, webp) go as bytes and <c>s3://</c> URLs as an S3 location; an http(s) URL would need the
/// router to fetch it, which is not a translation, so it is reported as unsupported (<c>image_url</c>).
/// </summary>
internal static class ConverseMessages
{
    public static void Add(JsonNode? messages, JsonObject converse, List<string> unsupported)
    {
        var system = new JsonArray();
        var turns = new JsonArray();
        string? lastRole = null;
        JsonArray? lastContent = null;
        foreach (var message in messages as JsonArray ?? [])
        {
            if (message is not JsonObject turn)
            {
                continue;
            }

            var role = JsonText.Of(turn["role"]);
            if (turn["name"] is not null)
            {
                unsupported.Add("name");
            }

            if (role is "system" or "developer")
            {
                AddText(turn["content"], system, unsupported);
                continue;
            }

            var blocks = new JsonArray();
            string converseRole;
            switch (role)
            {
                case "user":
                    converseRole = "user";
                    AddUserContent(turn["content"], blocks, unsupported);
                    break;
                case "assistant":
                    converseRole = "assistant";
                    AddText(turn["content"], blocks, unsupported);
                    AddToolUses(turn["tool_calls"], blocks);
                    if (turn["function_call"] is not null || turn["audio"] is not null)
                    {
                        unsupported.Add(turn["audio"] is not null ? "audio" : "function_call");
                    }

                    break;
                case "tool":
                    converseRole = "user";
                    blocks.Add(ToolResult(turn, unsupported));
                    break;
                default:
                    // "function" (the old tool role) and anything unknown.
                    unsupported.Add("role");
                    continue;
            }

            if (blocks.Count == 0)
            {
                continue;
            }

            if (converseRole == lastRole)
            {
                foreach (var block in blocks.ToArray())
                {
                    blocks.Remove(block);
                    lastContent!.Add(block);
                }

                continue;
            }

            lastRole = converseRole;
            lastContent = blocks;
            turns.Add(new JsonObject { ["role"] = converseRole, ["content"] = blocks });
        }

        if (system.Count > 0)
        {
            converse["system"] = system;
        }

        converse["messages"] = turns;
    }

    /// <summary>A string, or text parts (other parts are not text: unsupported here), as text blocks; empty text is no block.</summary>
    private static void AddText(JsonNode? content, JsonArray blocks, List<string> unsupported)
    {
        if (content is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            AddTextBlock((string?)value, blocks);
            return;
        }

        foreach (var part in content as JsonArray ?? [])
        {
            var type = JsonText.Of((part as JsonObject)?["type"]);
            if (type is "text" or "refusal")
            {
                AddTextBlock(JsonText.Of(part![type]), blocks);
            }
            else
            {
                unsupported.Add(type ?? "content");
            }
        }
    }

    private static void AddUserContent(JsonNode? content, JsonArray blocks, List<string> unsupported)
    {
        if (content is not JsonArray parts)
        {
            AddText(content, blocks, unsupported);
            return;
        }

        foreach (var part in parts)
        {
            var type = JsonText.Of((part as JsonObject)?["type"]);
            switch (type)
            {
                case "text":
                    AddTextBlock(JsonText.Of(part!["text"]), blocks);
                    break;
                case "image_url" when ConverseImage.From(part!["image_url"], unsupported) is { } image:
                    blocks.Add(image);
                    break;
                case "image_url":
                    unsupported.Add("image_url");
                    break;
                default:
                    // input_audio, file and anything unknown.
                    unsupported.Add(type ?? "content");
                    break;
            }
        }
    }

    private static void AddTextBlock(string? text, JsonArray blocks)
    {
        // Converse refuses blank text blocks; an empty string says nothing.
        if (!string.IsNullOrEmpty(text))
        {
            blocks.Add(new JsonObject { ["text"] = text });
        }
    }

    private static void AddToolUses(JsonNode? toolCalls, JsonArray blocks)
    {
        foreach (var call in toolCalls as JsonArray ?? [])
        {
            var function = (call as JsonObject)?["function"];
            blocks.Add(new JsonObject
            {
                ["toolUse"] = new JsonObject
                {
                    ["toolUseId"] = (call as JsonObject)?["id"]?.DeepClone(),
                    ["name"] = (function as JsonObject)?["name"]?.DeepClone(),
                    ["input"] = Arguments(JsonText.Of((function as JsonObject)?["arguments"])),
                },
            });
        }
    }

    /// <summary>
    /// The arguments string parsed, as Converse wants a JSON value; arguments that are not JSON go as the string
    /// they are, for the provider to judge, rather than being replaced by something the model never said.
    /// </summary>
    private static JsonNode? Arguments(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(arguments);
        }
        catch (JsonException)
        {
            return JsonValue.Create(arguments);
        }
    }

    private static JsonObject ToolResult(JsonObject turn, List<string> unsupported)
    {
        var content = new JsonArray();
        AddText(turn["content"], content, unsupported);
        if (content.Count == 0)
        {
            // A tool may answer with nothing; Converse wants a block, and an empty text says exactly that.
            content.Add(new JsonObject { ["text"] = "" });
        }

        return new JsonObject
        {
            ["toolResult"] = new JsonObject
            {
                ["toolUseId"] = turn["tool_call_id"]?.DeepClone(),
                ["content"] = content,
            },
        };
    }
}
