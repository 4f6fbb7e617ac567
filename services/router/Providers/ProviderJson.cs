using System.Text.Encodings.Web;
using System.Text.Json;

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
}
