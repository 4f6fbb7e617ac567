using System.Text.Json;

namespace AiMesh.Router.Providers.OpenAi;

/// <summary>
/// Reads an error body in the shapes OpenAI-compatible servers use: OpenAI's <c>{"error":{"message",...}}</c>,
/// <c>{"error":"text"}</c> (Ollama), top-level <c>message</c> (vLLM) or <c>detail</c> (FastAPI servers).
/// </summary>
internal static class OpenAiErrors
{
    public static UpstreamError Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy, say): nothing in it is fit to pass on.
            return UpstreamError.None;
        }
    }

    public static UpstreamError Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return UpstreamError.None;
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object)
            {
                return new UpstreamError(Text(error, "message"), Text(error, "code"), Text(error, "param"));
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return new UpstreamError(error.GetString(), null, null);
            }
        }

        return new UpstreamError(Text(root, "message") ?? Text(root, "detail"), Text(root, "code"), Text(root, "param"));
    }

    /// <summary>A member that is a string or a number, as text (codes come as either); null otherwise.</summary>
    internal static string? Text(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
