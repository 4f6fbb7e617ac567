using System.Text.Json;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Writes one of Mistral's tool calls (<c>{"id","type"?,"function":{"name","arguments"},"index"?}</c>) as OpenAI's:
/// <c>type: "function"</c> always with an id, <c>arguments</c> always a string (Mistral may send the arguments as a
/// JSON object; OpenAI's clients expect the JSON text).
/// </summary>
internal static class MistralToolCallJson
{
    /// <param name="index">Written for a streamed call (OpenAI's deltas carry it); null for a whole answer.</param>
    /// <returns>False when <paramref name="call"/> is not a tool call at all.</returns>
    public static bool Write(Utf8JsonWriter writer, JsonElement call, int? index)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        writer.WriteStartObject();
        if (index is { } position)
        {
            writer.WriteNumber("index", position);
        }

        if (String(call, "id") is { } id)
        {
            writer.WriteString("id", id);
            writer.WriteString("type", "function");
        }

        writer.WriteStartObject("function");
        if (String(function, "name") is { } name)
        {
            writer.WriteString("name", name);
        }

        if (function.TryGetProperty("arguments", out var arguments))
        {
            writer.WriteString("arguments", arguments.ValueKind == JsonValueKind.String ? arguments.GetString() : arguments.GetRawText());
        }
        else
        {
            writer.WriteString("arguments", "");
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return true;
    }

    public static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
