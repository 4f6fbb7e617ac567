using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// OpenAI chat messages as Cohere v2 messages, which have the same roles and nearly the same shapes:
/// <list type="bullet">
/// <item><c>system</c> and <c>developer</c>, wherever they stand: one <c>system</c> message first, their texts in order
/// (Cohere takes one system turn, first).</item>
/// <item><c>user</c>: the text, or the parts: <c>text</c> as they are, <c>image_url</c> (a URL or a data URL, with its
/// <c>detail</c>) as Cohere's <c>image_url</c> part. Audio and file parts have no Cohere equivalent.</item>
/// <item><c>assistant</c>: its text as <c>content</c>; with <c>tool_calls</c> (the same shape in both APIs) its text is
/// the <c>tool_plan</c>, Cohere's name for what a model says before calling tools.</item>
/// <item><c>tool</c>: <c>tool_call_id</c> and the result's text.</item>
/// </list>
/// A <c>name</c> on a message, the legacy <c>function</c> role and unknown roles are unsupported.
/// </summary>
internal static class CohereMessages
{
    public static JsonArray Translate(JsonNode? messages, List<string> unsupported)
    {
        var target = new JsonArray();
        var system = new List<JsonNode>();
        if (messages is not JsonArray list)
        {
            JsonNodes.AddOnce(unsupported, "messages");
            return target;
        }

        foreach (var node in list)
        {
            if (node is not JsonObject message)
            {
                JsonNodes.AddOnce(unsupported, "messages");
                continue;
            }

            var role = JsonNodes.String(message["role"]);
            if (message["name"] is not null && role != "function")
            {
                JsonNodes.AddOnce(unsupported, "messages[].name");
            }

            switch (role)
            {
                case "system" or "developer":
                    system.Add(Content(message["content"], unsupported, images: false));
                    break;
                case "user":
                    target.Add(new JsonObject { ["role"] = "user", ["content"] = Content(message["content"], unsupported, images: true) });
                    break;
                case "assistant":
                    target.Add(Assistant(message, unsupported));
                    break;
                case "tool":
                    target.Add(new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = JsonNodes.String(message["tool_call_id"]) ?? "",
                        ["content"] = Content(message["content"], unsupported, images: false),
                    });
                    break;
                case "function":
                    JsonNodes.AddOnce(unsupported, "functions");
                    break;
                default:
                    JsonNodes.AddOnce(unsupported, "messages[].role");
                    break;
            }
        }

        if (system.Count > 0)
        {
            target.Insert(0, new JsonObject { ["role"] = "system", ["content"] = System(system) });
        }

        return target;
    }

    /// <summary>
    /// Cohere takes one system turn, first ("system turn must be the first in the list"); OpenAI takes system and
    /// developer messages anywhere. Their texts, in order, become that one turn: a string when there was one string,
    /// else text parts.
    /// </summary>
    private static JsonNode System(List<JsonNode> contents)
    {
        if (contents is [JsonValue single])
        {
            return single;
        }

        var parts = new JsonArray();
        foreach (var content in contents)
        {
            if (content is JsonArray array)
            {
                foreach (var part in array.ToList())
                {
                    array.Remove(part);
                    parts.Add(part);
                }
            }
            else
            {
                parts.Add(new JsonObject { ["type"] = "text", ["text"] = content.DeepClone() });
            }
        }

        return parts;
    }

    private static JsonObject Assistant(JsonObject message, List<string> unsupported)
    {
        var assistant = new JsonObject { ["role"] = "assistant" };
        if (message["tool_calls"] is JsonArray { Count: > 0 } calls)
        {
            if (message["content"] is not null && Plan(Content(message["content"], unsupported, images: false)) is { Length: > 0 } plan)
            {
                assistant["tool_plan"] = plan;
            }

            var translated = new JsonArray();
            foreach (var call in calls)
            {
                if (call is JsonObject { } toolCall && toolCall["function"] is JsonObject function
                    && JsonNodes.String(toolCall["id"]) is { } id && JsonNodes.String(function["name"]) is { } name)
                {
                    translated.Add(new JsonObject
                    {
                        ["id"] = id,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonNodes.String(function["arguments"]) ?? "{}" },
                    });
                }
                else
                {
                    JsonNodes.AddOnce(unsupported, "tool_calls");
                }
            }

            assistant["tool_calls"] = translated;
        }
        else
        {
            assistant["content"] = Content(message["content"], unsupported, images: false);
        }

        if (message["audio"] is not null)
        {
            JsonNodes.AddOnce(unsupported, "audio");
        }

        if (message["function_call"] is not null)
        {
            JsonNodes.AddOnce(unsupported, "functions");
        }

        return assistant;
    }

    /// <summary>
    /// A message's content as Cohere takes it: a string as it is; parts as Cohere's parts (<c>text</c>, and with
    /// <paramref name="images"/> <c>image_url</c>). Any other part is unsupported.
    /// </summary>
    private static JsonNode Content(JsonNode? content, List<string> unsupported, bool images)
    {
        if (JsonNodes.String(content) is { } text)
        {
            return text;
        }

        var translated = new JsonArray();
        if (content is not JsonArray parts)
        {
            if (content is not null)
            {
                JsonNodes.AddOnce(unsupported, "messages[].content");
            }

            return "";
        }

        foreach (var part in parts)
        {
            switch (JsonNodes.String(CohereNodes.Member(part, "type")))
            {
                case "text" when JsonNodes.String(CohereNodes.Member(part, "text")) is { } piece:
                    translated.Add(new JsonObject { ["type"] = "text", ["text"] = piece });
                    break;
                case "image_url" when images && Image(CohereNodes.Member(part, "image_url")) is { } image:
                    translated.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = image });
                    break;
                default:
                    JsonNodes.AddOnce(unsupported, "messages[].content");
                    break;
            }
        }

        return translated;
    }

    /// <summary>A tool plan is one string: the text parts joined.</summary>
    private static string Plan(JsonNode content) =>
        content is JsonArray parts ? string.Concat(parts.Select(p => JsonNodes.String(CohereNodes.Member(p, "text")))) : JsonNodes.String(content) ?? "";

    /// <summary>OpenAI's <c>image_url</c> (an object, or a bare URL string as some clients send it) as Cohere's.</summary>
    private static JsonObject? Image(JsonNode? imageUrl)
    {
        if (JsonNodes.String(imageUrl) is { } bare)
        {
            return new JsonObject { ["url"] = bare };
        }

        if (imageUrl is not JsonObject image || JsonNodes.String(image["url"]) is not { } url)
        {
            return null;
        }

        var translated = new JsonObject { ["url"] = url };
        if (JsonNodes.String(image["detail"]) is { } detail)
        {
            translated["detail"] = detail;
        }

        return translated;
    }
}
