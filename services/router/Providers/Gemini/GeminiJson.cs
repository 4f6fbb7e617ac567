using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>JSON helpers the Gemini translation shares.</summary>
internal static class GeminiJson
{
    /// <summary>
    /// The string value of <paramref name="node"/>, or null when it is absent, not a string, or not text at all (JSON
    /// lets a string hold a lone surrogate escape, which no .NET string reader accepts).
    /// </summary>
    public static string? Text(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The member at <paramref name="path"/>, through objects only; null where a step is absent or not an object.</summary>
    public static JsonNode? Member(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject obj ? obj[name] : null;
        }

        return node;
    }

    /// <returns>The object <paramref name="text"/> holds, or null when it is not a JSON object (a plain answer, say).</returns>
    public static JsonObject? ParseObject(string text)
    {
        if (text.Length == 0 || text.AsSpan().TrimStart() is not ['{', ..])
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Text that starts like an object but is not one is just text to the caller.
            return null;
        }
    }

    /// <summary>The string of an element's property, or null.</summary>
    public static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The 32-bit integer of an element's property, or null.</summary>
    public static int? Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
