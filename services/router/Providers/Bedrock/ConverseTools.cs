using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// OpenAI <c>tools</c> and <c>tool_choice</c> as Converse <c>toolConfig</c>: each function a <c>toolSpec</c> with
/// its parameters as <c>inputSchema.json</c>; <c>auto</c>, <c>required</c> and a named function as
/// <c>toolChoice</c> <c>auto</c>, <c>any</c> and <c>tool</c>. Converse has no <c>none</c>: the faithful equivalent
/// is to offer no tools, which Converse allows only while the conversation holds no tool blocks; with tool blocks,
/// <c>none</c> is reported unsupported. <c>strict: true</c> asks for a guarantee Converse does not give: unsupported.
/// </summary>
internal static class ConverseTools
{
    public static void Add(JsonObject body, JsonObject converse, List<string> unsupported)
    {
        var choice = body["tool_choice"];
        var toolChoice = ToolChoice(choice, out var none);
        if (none)
        {
            if (HasToolBlocks(converse["messages"]))
            {
                unsupported.Add("tool_choice");
            }
            else
            {
                return;
            }
        }
        else if (choice is not null && toolChoice is null)
        {
            unsupported.Add("tool_choice");
        }

        var tools = new JsonArray();
        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            var function = (tool as JsonObject)?["function"] as JsonObject;
            if (JsonText.Of((tool as JsonObject)?["type"]) != "function" || function is null)
            {
                unsupported.Add("tools");
                continue;
            }

            if ((function["strict"] as JsonValue)?.TryGetValue<bool>(out var strict) == true && strict)
            {
                unsupported.Add("strict");
            }

            var spec = new JsonObject { ["name"] = function["name"]?.DeepClone() };
            if (function["description"] is { } description)
            {
                spec["description"] = description.DeepClone();
            }

            spec["inputSchema"] = new JsonObject
            {
                // A function without parameters takes none; Converse wants a schema either way.
                ["json"] = function["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            };
            tools.Add(new JsonObject { ["toolSpec"] = spec });
        }

        if (tools.Count == 0)
        {
            return;
        }

        var config = new JsonObject { ["tools"] = tools };
        if (toolChoice is not null)
        {
            config["toolChoice"] = toolChoice;
        }

        converse["toolConfig"] = config;
    }

    private static JsonObject? ToolChoice(JsonNode? choice, out bool none)
    {
        none = false;
        if (choice is JsonObject named)
        {
            var name = (named["function"] as JsonObject)?["name"];
            return name is null ? null : new JsonObject { ["tool"] = new JsonObject { ["name"] = name.DeepClone() } };
        }

        switch (JsonText.Of(choice))
        {
            case "auto":
                return new JsonObject { ["auto"] = new JsonObject() };
            case "required":
                return new JsonObject { ["any"] = new JsonObject() };
            case "none":
                none = true;
                return null;
            default:
                return null;
        }
    }

    private static bool HasToolBlocks(JsonNode? messages) =>
        (messages as JsonArray ?? []).Any(turn => ((turn as JsonObject)?["content"] as JsonArray ?? [])
            .Any(block => block is JsonObject b && (b.ContainsKey("toolUse") || b.ContainsKey("toolResult"))));
}
