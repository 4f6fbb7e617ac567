using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>Reads a string out of client JSON without throwing on a value of another kind (the cast operators do).</summary>
internal static class JsonText
{
    public static string? Of(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
