using System.Text.Json;
using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// The one mapping from failures to HTTP on the OpenAI surface: <c>{"error":{"message","type","param","code"}}</c>
/// with the failure's status and, where the caller should come back later, <c>Retry-After</c>.
/// </summary>
internal static class OpenAiErrors
{
    public static ApiError From(int status, AnswerError error) =>
        new(status, error.Type, error.Code, error.Message, error.Param, error.RetryAfterSeconds);

    public static async Task WriteAsync(HttpResponse response, ApiError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(Envelope(error));
    }

    /// <summary>The envelope as UTF-8 JSON, also used as the data of a stream's error event.</summary>
    public static byte[] Envelope(ApiError error)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", error.Message);
            json.WriteString("type", error.Type);
            WriteNullable(json, "param", error.Param);
            WriteNullable(json, "code", error.Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
