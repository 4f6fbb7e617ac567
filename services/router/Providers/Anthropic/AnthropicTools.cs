using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// OpenAI <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> as Anthropic's: a function becomes a tool
/// with <c>input_schema</c> (its <c>parameters</c>, or an empty object schema); <c>auto</c>, <c>none</c>,
/// <c>required</c> and a named function become <c>auto</c>, <c>none</c>, <c>any</c> and <c>tool</c>;
/// <c>parallel_tool_calls: false</c> becomes <c>disable_parallel_tool_use</c>. Tools OpenAI does not define (Anthropic's
/// server tools) and Anthropic-shaped choices pass untouched. Without tools, <c>tool_choice</c> and
/// <c>parallel_tool_calls</c> are left out: they have nothing to choose from.
/// </summary>
internal static class AnthropicTools
{
    public static void Translate(JsonObject source, JsonObject target, JsonObject? jsonTool, List<string> unsupported)
    {
        if (jsonTool is not null)
        {
            target["tools"] = new JsonArray(jsonTool);
            target["tool_choice"] = new JsonObject { ["type"] = "tool", ["name"] = jsonTool["name"]!.DeepClone() };
            return;
        }

        var tools = new JsonArray();
        if (source["tools"] is JsonArray clientTools)
        {
            foreach (var tool in clientTools)
            {
                if (Tool(tool, unsupported) is { } translated)
                {
                    tools.Add(translated);
                }
            }
        }
        else if (source["tools"] is not null)
        {
            JsonNodes.AddOnce(unsupported, "tools");
        }

        if (tools.Count == 0)
        {
            return;
        }

        target["tools"] = tools;
        var choice = Choice(source["tool_choice"], unsupported);
        if (JsonNodes.IsFalse(source["parallel_tool_calls"]))
        {
            choice ??= new JsonObject { ["type"] = "auto" };
            if (JsonNodes.String(choice["type"]) != "none")
            {
                choice["disable_parallel_tool_use"] = true;
            }
        }

        if (choice is not null)
        {
            target["tool_choice"] = choice;
        }
    }

    private static JsonObject? Tool(JsonNode? node, List<string> unsupported)
    {
        if (node is not JsonObject tool)
        {
            JsonNodes.AddOnce(unsupported, "tools");
            return null;
        }

        switch (JsonNodes.String(tool["type"]))
        {
            case "function":
                break;
            case "custom":
                // Free-form (grammar) tools have no Anthropic counterpart.
                JsonNodes.AddOnce(unsupported, "tools[].custom");
                return null;
            default:
                return tool.DeepClone().AsObject();
        }

        if (tool["function"] is not JsonObject function)
        {
            JsonNodes.AddOnce(unsupported, "tools");
            return null;
        }

        var translated = new JsonObject { ["name"] = function["name"]?.DeepClone() };
        if (function["description"] is { } description)
        {
            translated["description"] = description.DeepClone();
        }

        translated["input_schema"] = function["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
        if (function["strict"] is { } strict && strict.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            translated["strict"] = true;
        }

        // cache_control and other members OpenAI does not define belong to Anthropic's tool as they are.
        foreach (var (name, value) in tool)
        {
            if (name is not ("type" or "function"))
            {
                translated[name] = value?.DeepClone();
            }
        }

        return translated;
    }

    private static JsonObject? Choice(JsonNode? node, List<string> unsupported)
    {
        if (node is null)
        {
            return null;
        }

        if (JsonNodes.String(node) is { } text)
        {
            switch (text)
            {
                case "auto":
                    return new JsonObject { ["type"] = "auto" };
                case "none":
                    return new JsonObject { ["type"] = "none" };
                case "required":
                    return new JsonObject { ["type"] = "any" };
                default:
                    JsonNodes.AddOnce(unsupported, "tool_choice");
                    return null;
            }
        }

        if (node is JsonObject choice)
        {
            switch (JsonNodes.String(choice["type"]))
            {
                case "function" when choice["function"] is JsonObject function && JsonNodes.String(function["name"]) is { } name:
                    return new JsonObject { ["type"] = "tool", ["name"] = name };
                case "auto" or "any" or "tool" or "none":
                    return choice.DeepClone().AsObject();
                default:
                    break;
            }
        }

        // allowed_tools and custom choices have no Anthropic counterpart.
        JsonNodes.AddOnce(unsupported, "tool_choice");
        return null;
    }
}
