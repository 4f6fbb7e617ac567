using System.Text.Json;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>One <c>functionCall</c> part: the name, the arguments as JSON text, and the thought signature beside it, if any.</summary>
internal sealed record GeminiFunctionCall(string Name, string Arguments, string? ThoughtSignature)
{
    /// <summary>The call as an OpenAI tool call (a streamed delta's carries its <paramref name="index"/>).</summary>
    /// <param name="header">Streamed: the call's header only, with empty arguments; they follow in a chunk of their own, as OpenAI streams them.</param>
    public void WriteToolCall(Utf8JsonWriter writer, Guid requestId, int candidate, int ordinal, bool index, bool header = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (index)
        {
            writer.WriteNumber("index", ordinal);
        }

        writer.WriteString("id", GeminiToolCallIds.Create(requestId, candidate, ordinal, ThoughtSignature));
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", Name);
        writer.WriteString("arguments", header ? "" : Arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
