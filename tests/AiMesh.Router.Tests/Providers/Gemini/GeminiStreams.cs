using System.Text;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Gemini;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>Runs upstream SSE bytes through the transport's parser and a Gemini translator, as the transport does.</summary>
internal static class GeminiStreams
{
    /// <summary>Steps until the first Done or Failed (the transport stops there), for the bytes fed in the given pieces.</summary>
    public static List<StreamStep> Translate(ProviderCall call, params byte[][] pieces) =>
        TranslatedStream.Steps(new GeminiStreamTranslator(call, 1_750_000_000), pieces);

    public static List<StreamStep> Translate(ProviderCall call, string stream) => Translate(call, Encoding.UTF8.GetBytes(stream));

    /// <summary>Google's framing: <c>data: {json}</c> and CRLF line ends.</summary>
    public static string Sse(params string[] events) => string.Concat(events.Select(e => "data: " + e + "\r\n\r\n"));
}
