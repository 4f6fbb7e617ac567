using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>The small JSON helpers the Bedrock translation shares.</summary>
internal static class JsonText
{
    /// <summary>A string out of client JSON, without throwing on a value of another kind (the cast operators do).</summary>
    public static string? Of(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A string member of provider JSON; null when absent or not a string.</summary>
    public static string? Of(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What every OpenAI chat object starts with.</summary>
    public static void WriteChatHeader(Utf8JsonWriter writer, string id, string objectType, long created, string model)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("id", id);
        writer.WriteString("object", objectType);
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
    }
}
