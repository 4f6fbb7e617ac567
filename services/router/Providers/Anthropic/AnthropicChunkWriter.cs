using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Writes OpenAI <c>chat.completion.chunk</c> JSON for one stream: the members every chunk repeats (id, object,
/// created, model) are encoded once, then each chunk is that prefix, one choice with its delta, and — when the client
/// asked for usage — <c>"usage": null</c>, as OpenAI writes it on every chunk but the last. One buffer is reused for
/// the whole stream; nothing in it depends on Anthropic, so another provider's translator could use it as it is.
/// </summary>
internal sealed class AnthropicChunkWriter(bool includeUsage)
{
    // Chunks go to clients as JSON, never into HTML: escaping every non-ASCII character would only bloat them.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> buffer = new(512);
    private byte[] prefix = [];

    public bool Started => prefix.Length > 0;

    public void Start(string id, long created, string model)
    {
        var head = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(head, Options))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion.chunk");
            json.WriteNumber("created", created);
            json.WriteString("model", model);
            json.WriteEndObject();
        }

        // The object stays open (its closing brace dropped): every chunk continues it with its choices.
        prefix = [.. head.WrittenSpan[..^1], .. ",\"choices\":"u8];
    }

    /// <summary>A chunk whose one choice has the delta <paramref name="writeDelta"/> writes the members of.</summary>
    public string Delta<TState>(TState state, Action<Utf8JsonWriter, TState> writeDelta, string? finishReason = null)
    {
        ArgumentNullException.ThrowIfNull(writeDelta);
        buffer.ResetWrittenCount();
        buffer.Write(prefix);
        buffer.Write("[{\"index\":0,\"delta\":"u8);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            writeDelta(json, state);
            json.WriteEndObject();
        }

        buffer.Write(",\"logprobs\":null,\"finish_reason\":"u8);
        if (finishReason is null)
        {
            buffer.Write("null"u8);
        }
        else
        {
            buffer.Write("\""u8);
            buffer.Write(JsonEncodedText.Encode(finishReason, Options.Encoder).EncodedUtf8Bytes);
            buffer.Write("\""u8);
        }

        buffer.Write("}]"u8);
        return Finish();
    }

    /// <summary>OpenAI's last chunk when the client asked for usage: no choices, only the usage.</summary>
    public string Usage(AnthropicUsage usage)
    {
        buffer.ResetWrittenCount();
        buffer.Write(prefix);
        buffer.Write("[],\"usage\":"u8);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            usage.WriteOpenAi(json);
        }

        buffer.Write("}"u8);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private string Finish()
    {
        if (includeUsage)
        {
            buffer.Write(",\"usage\":null"u8);
        }

        buffer.Write("}"u8);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
