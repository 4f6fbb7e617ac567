using System.Buffers;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>
/// Writes the OpenAI <c>chat.completion.chunk</c> objects of one stream, for every adapter that translates another
/// provider's stream, so the envelope is the same whichever provider answers: the id, created and model every chunk
/// repeats (encoded once, at <see cref="Start"/>), the choices, each with its delta, <c>"logprobs": null</c> and
/// <c>finish_reason</c>, and — when the client asked for usage — <c>"usage": null</c>, as OpenAI writes it on every
/// chunk but the one that carries the usage. What goes in a delta is the translator's to decide. One buffer is reused for
/// the whole stream.
/// </summary>
internal sealed class OpenAiChunkWriter(bool includeUsage)
{
    private readonly ArrayBufferWriter<byte> buffer = new(512);

    // One writer for the whole stream, reset per chunk: a stream writes hundreds of chunks, each one a new writer before.
    private Utf8JsonWriter? reusable;
    private JsonEncodedText id;
    private JsonEncodedText model;
    private long created;

    /// <summary>Whether the client asked for usage (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage => includeUsage;

    public bool Started { get; private set; }

    /// <summary>Sets what every chunk repeats; a provider that names the answer only in its first event starts late.</summary>
    public void Start(string completionId, long createdAt, string modelName)
    {
        id = JsonEncodedText.Encode(completionId, ProviderJson.WriterOptions.Encoder);
        model = JsonEncodedText.Encode(modelName, ProviderJson.WriterOptions.Encoder);
        created = createdAt;
        Started = true;
    }

    /// <summary>A chunk with one choice (index 0) whose delta has the members <paramref name="writeDelta"/> writes.</summary>
    /// <param name="usage">Written only when the client asked for usage; otherwise the chunk has <c>"usage": null</c>.</param>
    public string Delta<TState>(
        TState state, Action<Utf8JsonWriter, TState> writeDelta, string? finishReason = null, TokenUsage? usage = null, string? stopSequence = null)
    {
        ArgumentNullException.ThrowIfNull(writeDelta);
        var writer = Begin();
        writer.WriteStartArray("choices");
        WriteChoice(writer, 0, state, writeDelta, finishReason, stopSequence);
        writer.WriteEndArray();
        return End(writer, usage);
    }

    /// <summary>A chunk with the choices <paramref name="writeChoices"/> writes, each with <see cref="WriteChoice"/>.</summary>
    /// <param name="usage">Written only when the client asked for usage; otherwise the chunk has <c>"usage": null</c>.</param>
    public string Choices<TState>(TState state, Action<Utf8JsonWriter, TState> writeChoices, TokenUsage? usage = null)
    {
        ArgumentNullException.ThrowIfNull(writeChoices);
        var writer = Begin();
        writer.WriteStartArray("choices");
        writeChoices(writer, state);
        writer.WriteEndArray();
        return End(writer, usage);
    }

    /// <summary>OpenAI's last chunk when the client asked for usage: no choices, only the usage.</summary>
    public string Usage(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var writer = Begin();
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        OpenAiUsageJson.Write(writer, usage);
        return Finish(writer);
    }

    /// <summary>One choice of a chunk, its delta the members <paramref name="writeDelta"/> writes.</summary>
    /// <param name="stopSequence">
    /// The stop sequence that ended the answer, when the provider says which (Anthropic does): the mesh's one addition to
    /// OpenAI's choice, <c>stop_sequence</c>, beside <c>finish_reason: "stop"</c>. OpenAI clients ignore it; the
    /// Anthropic surface of the ingress answers <c>stop_reason: "stop_sequence"</c> with it.
    /// </param>
    public static void WriteChoice<TState>(
        Utf8JsonWriter writer, int index, TState state, Action<Utf8JsonWriter, TState> writeDelta, string? finishReason, string? stopSequence = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeDelta);
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        writeDelta(writer, state);
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
        }

        if (stopSequence is not null)
        {
            writer.WriteString("stop_sequence", stopSequence);
        }

        writer.WriteEndObject();
    }

    private Utf8JsonWriter Begin()
    {
        if (!Started)
        {
            throw new InvalidOperationException("A chunk was written before the stream started.");
        }

        buffer.ResetWrittenCount();
        var json = reusable ??= new Utf8JsonWriter(buffer, ProviderJson.WriterOptions);
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("object"u8, "chat.completion.chunk"u8);
        json.WriteNumber("created"u8, created);
        json.WriteString("model"u8, model);
        return json;
    }

    private string End(Utf8JsonWriter writer, TokenUsage? usage)
    {
        if (includeUsage)
        {
            if (usage is not null)
            {
                OpenAiUsageJson.Write(writer, usage);
            }
            else
            {
                writer.WriteNull("usage");
            }
        }

        return Finish(writer);
    }

    private string Finish(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
