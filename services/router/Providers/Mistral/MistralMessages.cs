using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// OpenAI's <c>messages</c> as Mistral's: the same roles (<c>developer</c> is Mistral's <c>system</c>), the same text
/// and <c>image_url</c> parts, <c>tool_calls</c> and <c>tool</c> results with their ids made Mistral's
/// (<see cref="MistralToolCallIds"/>). What Mistral's messages cannot carry is reported by its OpenAI name and left
/// out: audio and file parts, the legacy <c>function</c> role, <c>name</c> on any message but a tool result, and any
/// other member with a value (a member set to null says nothing and is simply not sent).
/// </summary>
internal static class MistralMessages
{
    private static readonly HashSet<string> UserParts = ["text", "image_url"];

    public static JsonNode? Translate(JsonNode? messages, List<string> unsupported)
    {
        if (messages is not JsonArray list)
        {
            // Not OpenAI's shape: sent as it is, for Mistral to judge, as OpenAI would.
            return messages?.DeepClone();
        }

        var result = new JsonArray();
        foreach (var message in list)
        {
            if (message is JsonObject legacy && JsonNodes.String(legacy["role"]) == "function")
            {
                // OpenAI's legacy function result has no Mistral form (tool results need the call's id).
                JsonNodes.AddOnce(unsupported, "function");
                continue;
            }

            result.Add(message is JsonObject member ? Translate(member, unsupported) : message?.DeepClone());
        }

        return result;
    }

    private static JsonObject Translate(JsonObject message, List<string> unsupported)
    {
        var role = JsonNodes.String(message["role"]);
        var translated = new JsonObject();
        foreach (var (name, value) in message)
        {
            if (value is null || value.GetValueKind() == JsonValueKind.Null)
            {
                if (name == "content")
                {
                    translated[name] = null;
                }

                continue;
            }

            switch (name)
            {
                case "role":
                    translated[name] = role == "developer" ? "system" : value.DeepClone();
                    break;
                case "content":
                    translated[name] = role == "user" ? UserContent(value, unsupported) : value.DeepClone();
                    break;
                case "tool_calls" when role == "assistant":
                    translated[name] = ToolCalls(value);
                    break;
                case "tool_call_id" when role == "tool":
                    translated[name] = JsonNodes.String(value) is { } id ? MistralToolCallIds.ToMistral(id) : value.DeepClone();
                    break;
                case "name" when role == "tool":
                case "prefix" when role == "assistant":
                    translated[name] = value.DeepClone();
                    break;
                default:
                    JsonNodes.AddOnce(unsupported, name);
                    break;
            }
        }

        return translated;
    }

    private static JsonNode UserContent(JsonNode content, List<string> unsupported)
    {
        if (content is not JsonArray parts)
        {
            return content.DeepClone();
        }

        var result = new JsonArray();
        foreach (var part in parts)
        {
            var type = part is JsonObject obj ? JsonNodes.String(obj["type"]) : null;
            if (type is not null && !UserParts.Contains(type))
            {
                // input_audio, file and part types added later: Mistral's chunks of those kinds have other shapes.
                JsonNodes.AddOnce(unsupported, type);
                continue;
            }

            result.Add(part?.DeepClone());
        }

        return result;
    }

    private static JsonNode ToolCalls(JsonNode toolCalls)
    {
        var copy = toolCalls.DeepClone();
        if (copy is JsonArray calls)
        {
            foreach (var call in calls)
            {
                if (call is JsonObject member && JsonNodes.String(member["id"]) is { } id)
                {
                    member["id"] = MistralToolCallIds.ToMistral(id);
                }
            }
        }

        return copy;
    }
}
