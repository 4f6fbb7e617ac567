using System.Text.Json;

namespace AiMesh.MockProvider.Http;

/// <summary>What every request the mock reads starts with: a JSON object with a non-empty string <c>model</c>.</summary>
internal static class RequestJson
{
    /// <summary>On success the caller owns <paramref name="document"/> and disposes it.</summary>
    public static bool TryOpen(ReadOnlyMemory<byte> body, out JsonDocument document, out string model, out OpenAiError? error)
    {
        document = null!;
        model = "";
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = OpenAiError.UnparsableBody();
            return false;
        }

        var root = document.RootElement;
        error = root.ValueKind != JsonValueKind.Object
            ? OpenAiError.BadRequest("The request body must be a JSON object.")
            : !root.TryGetProperty("model", out var m) || m.ValueKind != JsonValueKind.String || m.GetString() is not { Length: > 0 }
                ? OpenAiError.MissingParameter("model")
                : null;
        if (error is not null)
        {
            document.Dispose();
            document = null!;
            return false;
        }

        model = root.GetProperty("model").GetString()!;
        return true;
    }
}
