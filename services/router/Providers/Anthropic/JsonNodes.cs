using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>Reads the client's request nodes without trusting their types: a wrong type reads as absent, never throws.</summary>
internal static class JsonNodes
{
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) ? text : null;

    public static bool IsFalse(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.False;

    public static bool IsNumber(JsonNode? node, double expected) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number) && number == expected;

    /// <summary>Adds an OpenAI parameter name once, however many messages or attempts met it.</summary>
    public static void AddOnce(List<string> names, string name)
    {
        if (!names.Contains(name))
        {
            names.Add(name);
        }
    }
}
