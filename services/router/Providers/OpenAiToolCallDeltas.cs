using System.Text.Json;

namespace AiMesh.Router.Providers;

/// <summary>
/// The deltas of a streamed OpenAI tool call, for every adapter that translates another provider's tool calls, so a
/// client sees them alike whichever provider answered: the header that opens a call (index, id, <c>type</c>, name and
/// empty arguments; on a choice's first chunk with the role, <c>"content": null</c> and <c>"refusal": null</c>, as
/// OpenAI's first chunk of a tool call) and then pieces of its arguments under the same index.
/// </summary>
internal static class OpenAiToolCallDeltas
{
    /// <summary>Writes the members of the delta that opens call <paramref name="index"/>.</summary>
    public static void WriteHeader(Utf8JsonWriter json, int index, string id, string name, bool withRole)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (withRole)
        {
            json.WriteString("role", "assistant");
            json.WriteNull("content");
        }

        json.WriteStartArray("tool_calls");
        json.WriteStartObject();
        json.WriteNumber("index", index);
        json.WriteString("id", id);
        json.WriteString("type", "function");
        json.WriteStartObject("function");
        json.WriteString("name", name);
        json.WriteString("arguments", "");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        if (withRole)
        {
            json.WriteNull("refusal");
        }
    }

    /// <summary>Writes the members of a delta with a piece of call <paramref name="index"/>'s arguments.</summary>
    public static void WriteArguments(Utf8JsonWriter json, int index, string arguments)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartArray("tool_calls");
        json.WriteStartObject();
        json.WriteNumber("index", index);
        json.WriteStartObject("function");
        json.WriteString("arguments", arguments);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }
}
