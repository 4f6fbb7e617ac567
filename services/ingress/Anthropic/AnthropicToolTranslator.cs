using System.Text.Json.Nodes;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// Anthropic <c>tools</c> and <c>tool_choice</c> as OpenAI's. A client tool (<c>name</c>, <c>description</c>,
/// <c>input_schema</c>) becomes a function tool whose <c>parameters</c> is the schema, <c>cache_control</c> kept on
/// the tool. A tool with another <c>type</c> (Anthropic's server and client-defined tools such as web search or bash)
/// has no OpenAI form and passes as it is: Anthropic deployments honour it, other providers refuse it.
/// <c>tool_choice</c> <c>auto</c>, <c>any</c>, <c>tool</c> and <c>none</c> become <c>auto</c>, <c>required</c>, a named
/// function and <c>none</c>; <c>disable_parallel_tool_use: true</c> becomes <c>parallel_tool_calls: false</c>.
/// </summary>
internal static class AnthropicToolTranslator
{
    public static JsonArray Tools(JsonNode? node)
    {
        var tools = AnthropicJson.Array(node, "tools");
        var result = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var path = $"tools.{i}";
            var tool = AnthropicJson.Object(tools[i], path);
            var type = AnthropicJson.OptionalString(tool["type"], path + ".type");
            if (type is not (null or "custom"))
            {
                result.Add(tool.DeepClone());
                continue;
            }

            var function = new JsonObject { ["name"] = AnthropicJson.String(tool["name"], path + ".name") };
            if (AnthropicJson.OptionalString(tool["description"], path + ".description") is { } description)
            {
                function["description"] = description;
            }

            var schema = AnthropicJson.Object(tool["input_schema"], path + ".input_schema");
            if (AnthropicJson.OptionalString(schema["type"], path + ".input_schema.type") != "object")
            {
                throw new InvalidAnthropicRequest(path + ".input_schema.type", "Input should be 'object'");
            }

            function["parameters"] = schema.DeepClone();
            var translated = new JsonObject { ["type"] = "function", ["function"] = function };
            AnthropicJson.CopyCacheControl(tool, translated, path);
            result.Add(translated);
        }

        return result;
    }

    /// <summary>Sets <c>tool_choice</c> and <c>parallel_tool_calls</c> on <paramref name="target"/>.</summary>
    public static void Choice(JsonNode? node, JsonObject target)
    {
        var choice = AnthropicJson.Object(node, "tool_choice");
        var type = AnthropicJson.String(choice["type"], "tool_choice.type");
        target["tool_choice"] = type switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = AnthropicJson.String(choice["name"], "tool_choice.name") },
            },
            _ => throw new InvalidAnthropicRequest("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'"),
        };
        if (AnthropicJson.OptionalBoolean(choice["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use") == true && type != "none")
        {
            target["parallel_tool_calls"] = false;
        }
    }
}
