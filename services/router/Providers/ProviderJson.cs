using System.Text.Encodings.Web;
using System.Text.Json;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers;

/// <summary>
/// The JSON options every adapter writes with. What the router writes goes to a provider or to a client as JSON,
/// never into HTML, so escaping every non-ASCII and HTML-sensitive character (the default) would only bloat it;
/// one definition keeps every adapter's output escaped alike.
/// </summary>
internal static class ProviderJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Parses a provider's answer and reads it with <paramref name="read"/>; <paramref name="invalid"/> when it is not
    /// JSON, or is JSON whose strings are not text (an escaped lone surrogate makes the reader throw
    /// <see cref="InvalidOperationException"/>). Provider bytes are untrusted: no exception of theirs escapes.
    /// </summary>
    public static TResult Read<TState, TResult>(ReadOnlySpan<byte> body, TState state, Func<TState, JsonElement, TResult> read, TResult invalid)
    {
        ArgumentNullException.ThrowIfNull(read);
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return read(state, document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return invalid;
        }
    }

    /// <summary>The error of a stream event that is not JSON, or is JSON whose strings are not text.</summary>
    public static readonly UpstreamError UnreadableEvent = new("The provider sent a stream event the router could not read.", null, null);

    /// <summary>
    /// Parses one stream event's data and translates it with <paramref name="translate"/> (given the event's JSON and
    /// its SSE name); <see cref="UnreadableEvent"/> when the data is not JSON or holds a string that is not text (the
    /// reader throws <see cref="InvalidOperationException"/> on reading it, before the translator changes any state).
    /// </summary>
    public static StreamStep TranslateEvent<TState>(SseEvent sseEvent, TState state, Func<TState, JsonElement, string, StreamStep> translate)
    {
        ArgumentNullException.ThrowIfNull(translate);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(sseEvent.Data);
        }
        catch (JsonException)
        {
            return StreamStep.Failed(UnreadableEvent);
        }

        using (document)
        {
            try
            {
                return translate(state, document.RootElement, sseEvent.Type);
            }
            catch (InvalidOperationException)
            {
                return StreamStep.Failed(UnreadableEvent);
            }
        }
    }
}
