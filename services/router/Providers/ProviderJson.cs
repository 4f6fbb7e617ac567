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
}
