using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// OpenAI <c>tools</c> and <c>tool_choice</c> as Gemini <c>tools[].functionDeclarations</c> and
/// <c>toolConfig.functionCallingConfig</c>. Parameters translate through <see cref="GeminiSchema"/> into
/// <c>parameters</c>; a schema outside Gemini's subset goes unchanged as <c>parametersJsonSchema</c>, never approximated.
/// <c>strict</c> needs no field: Gemini fills a call's arguments from the declared schema.
/// </summary>
internal static class GeminiTools
{
    public static JsonArray? Declarations(JsonNode? tools, List<string> unsupported)
    {
        if (tools is null)
        {
            return null;
        }

        var declarations = new JsonArray();
        foreach (var item in tools as JsonArray ?? [])
        {
            if (item is not JsonObject tool || GeminiJson.Text(tool["type"]) is not (null or "function")
                || tool["function"] is not JsonObject function || GeminiJson.Text(function["name"]) is not { Length: > 0 } name)
            {
                // Custom (free-text) tools and the like have no Gemini counterpart.
                GeminiChatRequest.Note(unsupported, "tools");
                continue;
            }

            var declaration = new JsonObject { ["name"] = name };
            if (GeminiJson.Text(function["description"]) is { } description)
            {
                declaration["description"] = description;
            }

            if (function["parameters"] is JsonObject parameters && !IsEmptyObjectSchema(parameters))
            {
                if (GeminiSchema.Translate(parameters) is { } schema)
                {
                    declaration["parameters"] = schema;
                }
                else
                {
                    declaration["parametersJsonSchema"] = parameters.DeepClone();
                }
            }

            declarations.Add(declaration);
        }

        return declarations.Count == 0 ? null : [new JsonObject { ["functionDeclarations"] = declarations }];
    }

    /// <summary><c>none</c> → NONE, <c>auto</c> → AUTO, <c>required</c> → ANY, a named function → ANY limited to it.</summary>
    public static JsonObject? Config(JsonNode? choice, List<string> unsupported)
    {
        if (choice is null)
        {
            return null;
        }

        JsonObject? config = null;
        if (GeminiJson.Text(choice) is { } mode)
        {
            config = mode switch
            {
                "none" => Mode("NONE"),
                "auto" => Mode("AUTO"),
                "required" => Mode("ANY"),
                _ => null,
            };
        }
        else if (choice is JsonObject named)
        {
            config = GeminiJson.Text(named["type"]) switch
            {
                "function" when GeminiJson.Text(GeminiJson.Member(named, "function", "name")) is { Length: > 0 } name => Mode("ANY", [name]),
                "allowed_tools" => Allowed(named["allowed_tools"]),
                _ => null,
            };
        }

        if (config is null)
        {
            GeminiChatRequest.Note(unsupported, "tool_choice");
            return null;
        }

        return new JsonObject { ["functionCallingConfig"] = config };
    }

    /// <summary>Gemini limits the callable functions only when a call is required, so "auto" over a subset has no equivalent.</summary>
    private static JsonObject? Allowed(JsonNode? allowed)
    {
        if (GeminiJson.Text(GeminiJson.Member(allowed, "mode")) != "required" || GeminiJson.Member(allowed, "tools") is not JsonArray tools)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var tool in tools)
        {
            if (GeminiJson.Text(GeminiJson.Member(tool, "function", "name")) is not { Length: > 0 } name)
            {
                return null;
            }

            names.Add(name);
        }

        return names.Count == 0 ? null : Mode("ANY", names);
    }

    private static JsonObject Mode(string mode, IEnumerable<string>? names = null)
    {
        var config = new JsonObject { ["mode"] = mode };
        if (names is not null)
        {
            config["allowedFunctionNames"] = new JsonArray([.. names.Select(n => (JsonNode)n)]);
        }

        return config;
    }

    /// <summary><c>{"type":"object","properties":{}}</c>: Gemini wants no parameters at all rather than an empty object.</summary>
    private static bool IsEmptyObjectSchema(JsonObject schema) =>
        schema.All(p => p.Key is "type" or "properties" or "additionalProperties" or "required" or "$schema")
        && (schema["properties"] is null || schema["properties"] is JsonObject { Count: 0 })
        && (schema["required"] is null || schema["required"] is JsonArray { Count: 0 });
}
