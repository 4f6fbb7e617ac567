using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AiMesh.MockProvider.Http;

/// <summary>
/// JSON is written by hand with <see cref="Utf8JsonWriter"/>: no reflection or intermediate objects on the hot
/// path, since the benchmark measures the gateway with this mock behind it.
/// </summary>
internal static class MockJson
{
    /// <summary>Relaxed escaping keeps quotes in tool arguments readable (<c>{"mock":true}</c>, not <c>\u0022</c>); the output is never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ArrayBufferWriter<byte> Render<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        write(writer, state);
        writer.Flush();
        return buffer;
    }

    public static void WriteError(Utf8JsonWriter w, OpenAiError error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        WriteNullableString(w, "param", error.Param);
        WriteNullableString(w, "code", error.Code);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
