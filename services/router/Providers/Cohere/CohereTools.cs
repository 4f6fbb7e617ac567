using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// OpenAI's <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> in Cohere's terms. Function tools have the
/// same shape in both; OpenAI's per-function <c>strict</c> is Cohere's <c>strict_tools</c> for all of them, so it
/// translates when every function says the same. <c>tool_choice</c>: <c>auto</c> is Cohere's default (nothing sent),
/// <c>required</c> is <c>REQUIRED</c>, <c>none</c> is <c>NONE</c>; naming one function is <c>REQUIRED</c> with only that
/// function offered, which is what the choice means. Cohere may always call tools in parallel, so
/// <c>parallel_tool_calls: false</c> is unsupported.
/// </summary>
internal static class CohereTools
{
    public static void Translate(JsonObject source, JsonObject target, List<string> unsupported)
    {
        var tools = Tools(source["tools"], unsupported, out var strictTools);
        switch (source["tool_choice"])
        {
            case null:
                break;
            case JsonValue choice when JsonNodes.String(choice) is { } mode:
                switch (mode)
                {
                    case "auto":
                        break;
                    case "required":
                        target["tool_choice"] = "REQUIRED";
                        break;
                    case "none":
                        target["tool_choice"] = "NONE";
                        break;
                    default:
                        JsonNodes.AddOnce(unsupported, "tool_choice");
                        break;
                }

                break;
            case JsonObject named when JsonNodes.String(CohereNodes.Member(named, "function", "name")) is { } name
                && tools?.FirstOrDefault(t => JsonNodes.String(CohereNodes.Member(t, "function", "name")) == name) is { } only:
                tools = [only.DeepClone()];
                target["tool_choice"] = "REQUIRED";
                break;
            default:
                JsonNodes.AddOnce(unsupported, "tool_choice");
                break;
        }

        if (tools is { Count: > 0 })
        {
            target["tools"] = tools;
            if (strictTools)
            {
                target["strict_tools"] = true;
            }
        }

        if (JsonNodes.IsFalse(source["parallel_tool_calls"]))
        {
            JsonNodes.AddOnce(unsupported, "parallel_tool_calls");
        }
    }

    /// <returns>Cohere's tools; null when the client sent none.</returns>
    /// <param name="strictTools">Whether every function asked for <c>strict</c>.</param>
    private static JsonArray? Tools(JsonNode? tools, List<string> unsupported, out bool strictTools)
    {
        strictTools = false;
        if (tools is null)
        {
            return null;
        }

        var translated = new JsonArray();
        if (tools is not JsonArray list)
        {
            JsonNodes.AddOnce(unsupported, "tools");
            return translated;
        }

        var strict = new HashSet<bool>();
        foreach (var tool in list)
        {
            if (JsonNodes.String(CohereNodes.Member(tool, "type")) != "function" || CohereNodes.Member(tool, "function") is not JsonObject function || JsonNodes.String(function["name"]) is null)
            {
                JsonNodes.AddOnce(unsupported, "tools");
                continue;
            }

            var copy = new JsonObject();
            var isStrict = false;
            foreach (var (name, value) in function)
            {
                if (name == "strict")
                {
                    isStrict = value is JsonValue flag && flag.TryGetValue<bool>(out var on) && on;
                }
                else
                {
                    copy[name] = value?.DeepClone();
                }
            }

            strict.Add(isStrict);
            translated.Add(new JsonObject { ["type"] = "function", ["function"] = copy });
        }

        if (strict.Count > 1)
        {
            JsonNodes.AddOnce(unsupported, "tools[].function.strict");
        }

        strictTools = strict.Count == 1 && strict.Contains(true);

        return translated;
    }
}
