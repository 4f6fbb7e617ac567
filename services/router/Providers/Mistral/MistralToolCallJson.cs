using System.Text.Json;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Writes one of Mistral's tool calls (<c>{"id","type"?,"function":{"name","arguments"},"index"?}</c>) as OpenAI's:
/// <c>type: "function"</c> always with an id, <c>arguments</c> always a string (Mistral may send the arguments as a
/// JSON object; OpenAI's clients expect the JSON text).
/// </summary>
internal static class MistralToolCallJson
{
    /// <summary>A call of a whole answer (a streamed call is OpenAI's header and argument deltas, written by
    /// <see cref="MistralStreamTranslator"/>).</summary>
    /// <returns>False when <paramref name="call"/> is not a tool call at all.</returns>
    public static bool Write(Utf8JsonWriter writer, JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        writer.WriteStartObject();
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

        writer.WriteString("arguments", Arguments(function));
        writer.WriteEndObject();
        writer.WriteEndObject();
        return true;
    }

    /// <summary>A function's <c>arguments</c> as OpenAI's JSON text; empty when there are none.</summary>
    public static string Arguments(JsonElement function) =>
        !function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null ? ""
        : arguments.ValueKind == JsonValueKind.String ? arguments.GetString()!
        : arguments.GetRawText();

    public static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
