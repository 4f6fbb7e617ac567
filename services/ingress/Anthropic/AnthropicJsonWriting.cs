using System.Text.Encodings.Web;
using System.Text.Json;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// How the Anthropic surface writes JSON: as Anthropic does, escaping only what JSON requires (a quote is <c>\"</c>,
/// not <c>\u0022</c>). The output is JSON read by JSON parsers, never embedded in HTML.
/// </summary>
internal static class AnthropicJsonWriting
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
