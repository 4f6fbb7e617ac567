using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Ingress.Anthropic;

/// <summary>Reads members of an Anthropic request, failing with Anthropic's wording (<c>path: problem</c>).</summary>
internal static class AnthropicJson
{
    public static JsonObject Object(JsonNode? node, string path) =>
        node as JsonObject ?? throw new InvalidAnthropicRequest(path, node is null ? "Field required" : "Input should be an object");

    public static JsonArray Array(JsonNode? node, string path) =>
        node as JsonArray ?? throw new InvalidAnthropicRequest(path, node is null ? "Field required" : "Input should be a valid list");

    public static string String(JsonNode? node, string path) =>
        OptionalString(node, path) ?? throw new InvalidAnthropicRequest(path, "Field required");

    public static string? OptionalString(JsonNode? node, string path) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw new InvalidAnthropicRequest(path, "Input should be a valid string"),
    };

    public static long? OptionalInteger(JsonNode? node, string path, long min)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var n))
        {
            throw new InvalidAnthropicRequest(path, "Input should be a valid integer");
        }

        return n >= min ? n : throw new InvalidAnthropicRequest(path, $"Input should be greater than or equal to {min}");
    }

    public static double? OptionalNumber(JsonNode? node, string path, double min, double max)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            throw new InvalidAnthropicRequest(path, "Input should be a valid number");
        }

        var n = value.GetValue<double>();
        return n >= min && n <= max ? n : throw new InvalidAnthropicRequest(path, $"Input should be between {min} and {max}");
    }

    public static bool? OptionalBoolean(JsonNode? node, string path) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.True => true,
        JsonValue value when value.GetValueKind() == JsonValueKind.False => false,
        _ => throw new InvalidAnthropicRequest(path, "Input should be a valid boolean"),
    };

    /// <summary>Copies <c>cache_control</c> (checked to be an object) from an Anthropic block to its translation.</summary>
    public static void CopyCacheControl(JsonObject from, JsonObject to, string path)
    {
        if (from["cache_control"] is { } cacheControl)
        {
            to["cache_control"] = Object(cacheControl, path + ".cache_control").DeepClone();
        }
    }
}
