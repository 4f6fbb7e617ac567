using System.Text.Json;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// What every OpenAI request body shares: valid JSON within the depth limit, an object, a non-empty string
/// <c>model</c>. The caller owns (and disposes) the document.
/// </summary>
internal static class RequestDocument
{
    public static (JsonDocument? Document, string? Model, ApiError? Error) Open(byte[] body, int maxDepth)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException)
        {
            return (null, null, ApiError.Invalid(
                "The request body is not valid JSON (or nests deeper than " + maxDepth + " levels).", null, "invalid_json"));
        }

        if (HasUnpairedSurrogate(body))
        {
            document.Dispose();
            return (null, null, ApiError.Invalid(
                "The request body contains a \\u escape of half a UTF-16 surrogate pair, which is not text.", null, "invalid_json"));
        }

        var root = document.RootElement;
        var error = root.ValueKind != JsonValueKind.Object
            ? ApiError.Invalid("The request body must be a JSON object.", null, "invalid_json")
            : !root.TryGetProperty("model", out var model)
                ? JsonChecks.Missing("model")
                : model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 }
                    ? JsonChecks.WrongType("model", "a non-empty string", model)
                    : null;
        if (error is not null)
        {
            document.Dispose();
            return (null, null, error);
        }

        return (document, root.GetProperty("model").GetString(), null);
    }

    /// <summary>
    /// JSON's grammar accepts an escaped lone surrogate (<c>"\ud800"</c>), but it is not text: no service could read
    /// or forward it. Only escaped strings can hold one, so only those are decoded.
    /// </summary>
    private static bool HasUnpairedSurrogate(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
