using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// OpenAI's <c>response_format</c> through a forced tool. The Messages API has no JSON mode of its own in the
/// <c>2023-06-01</c> version, but a tool whose <c>input_schema</c> is the client's schema, with <c>tool_choice</c>
/// forcing it, makes the model answer with exactly such an object; the adapter then hands the tool's input back as
/// the message content, with <c>finish_reason: "stop"</c>. <c>json_object</c> uses the schema <c>{"type":"object"}</c>;
/// <c>strict: true</c> is passed on as the tool's <c>strict</c>, which Anthropic either honours or refuses with a 400,
/// never silently ignores. Not possible, so the field is unsupported: together with the client's own tools (the forced
/// tool would shut them out), or a schema whose top level is not an object (tool input always is). With extended
/// <c>thinking</c> Anthropic refuses forced tool use; its 400 says so and reaches the client as it is.
/// </summary>
internal static partial class AnthropicJsonMode
{
    public const string DefaultToolName = "json_response";

    /// <summary>The forced tool's name when the request asks for JSON and can have it; otherwise null.</summary>
    public static string? ToolName(JsonObject body) =>
        TryPlan(body, out var tool) && tool is not null ? JsonNodes.String(tool["name"]) : null;

    /// <summary>False when the request asks for JSON in a way the adapter cannot force; otherwise the tool to force, or null for plain text.</summary>
    public static bool TryPlan(JsonObject body, out JsonObject? tool)
    {
        ArgumentNullException.ThrowIfNull(body);
        tool = null;
        var format = body["response_format"];
        if (format is null)
        {
            return true;
        }

        if (format is not JsonObject formatObject)
        {
            return false;
        }

        string name;
        string description;
        JsonObject schema;
        var strict = false;
        switch (JsonNodes.String(formatObject["type"]))
        {
            case "text":
                return true;
            case "json_object":
                name = DefaultToolName;
                description = "Answer with a JSON object.";
                schema = new JsonObject { ["type"] = "object" };
                break;
            case "json_schema" when formatObject["json_schema"] is JsonObject jsonSchema
                && jsonSchema["schema"] is JsonObject clientSchema
                && JsonNodes.String(clientSchema["type"]) == "object":
                name = JsonNodes.String(jsonSchema["name"]) is { } given && ToolNamePattern().IsMatch(given) ? given : DefaultToolName;
                description = JsonNodes.String(jsonSchema["description"]) ?? "Answer with a JSON object that matches the input schema.";
                schema = clientSchema.DeepClone().AsObject();
                strict = jsonSchema["strict"] is { } s && s.GetValueKind() == System.Text.Json.JsonValueKind.True;
                break;
            default:
                return false;
        }

        if (body["tools"] is JsonArray { Count: > 0 })
        {
            return false;
        }

        tool = new JsonObject { ["name"] = name, ["description"] = description, ["input_schema"] = schema };
        if (strict)
        {
            tool["strict"] = true;
        }

        return true;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolNamePattern();
}
