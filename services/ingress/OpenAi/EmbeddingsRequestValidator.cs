using System.Text;
using System.Text.Json;

namespace AiMesh.Ingress.OpenAi;

/// <summary>Checks an embeddings request's shape; unknown members pass through.</summary>
internal static class EmbeddingsRequestValidator
{
    public static (ValidatedRequest? Request, ApiError? Error) Validate(byte[] body, int maxDepth)
    {
        var (document, modelName, opened) = RequestDocument.Open(body, maxDepth);
        if (opened is not null)
        {
            return (null, opened);
        }

        using (document)
        {
            var root = document!.RootElement;
            if (!root.TryGetProperty("input", out var input))
            {
                return (null, JsonChecks.Missing("input"));
            }

            var error = Input(input)
                ?? JsonChecks.Integer(root, "dimensions", 1, 65536)
                ?? JsonChecks.String(root, "user")
                ?? EncodingFormat(root);
            if (error is not null)
            {
                return (null, error);
            }

            var user = root.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            return (new ValidatedRequest("embeddings", modelName!, false, false, user, null, Encoding.UTF8.GetString(body)), null);
        }
    }

    private static ApiError? Input(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return null;
            case JsonValueKind.Array when input.GetArrayLength() == 0:
                return ApiError.Invalid("Invalid 'input': empty array.", "input", "empty_array");
            case JsonValueKind.Array:
                var kinds = input.EnumerateArray().Select(e => e.ValueKind).Distinct().ToArray();
                if (kinds is [JsonValueKind.String] or [JsonValueKind.Number])
                {
                    return null;
                }

                if (kinds is [JsonValueKind.Array] && input.EnumerateArray().All(a => a.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Number)))
                {
                    return null;
                }

                return ApiError.Invalid("Invalid 'input': expected a string, an array of strings, or token arrays.", "input", "invalid_type");
            default:
                return JsonChecks.WrongType("input", "a string or an array", input);
        }
    }

    private static ApiError? EncodingFormat(JsonElement root)
    {
        if (!root.TryGetProperty("encoding_format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return format.ValueKind == JsonValueKind.String && format.GetString() is "float" or "base64"
            ? null
            : ApiError.Invalid("Invalid value for 'encoding_format': expected 'float' or 'base64'.", "encoding_format");
    }
}
