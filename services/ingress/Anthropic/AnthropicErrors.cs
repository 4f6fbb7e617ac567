using System.Globalization;
using System.Text.Json;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The one mapping from the mesh's failures to Anthropic's error shape,
/// <c>{"type":"error","error":{"type","message"},"request_id"}</c>, with the type Anthropic documents for the status:
/// 400 (and other 4xx) <c>invalid_request_error</c>, 401 <c>authentication_error</c>, 403 <c>permission_error</c>,
/// 404 <c>not_found_error</c>, 413 <c>request_too_large</c>, 429 <c>rate_limit_error</c>, 500, 502 and 504
/// <c>api_error</c>. The mesh's 503 (a provider overloaded, or the gateway unable to take requests) is answered as
/// Anthropic answers overload, 529 <c>overloaded_error</c>, so Anthropic clients back off the way they know.
/// <c>Retry-After</c> is kept. The <c>request_id</c> is the request's <c>x-request-id</c>, also sent as <c>request-id</c>.
/// </summary>
internal static class AnthropicErrors
{
    public const int Overloaded = 529;

    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or Overloaded => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static int StatusFor(int status) => status == 503 ? Overloaded : status;

    public static async Task WriteAsync(HttpResponse response, ApiError error)
    {
        response.StatusCode = StatusFor(error.Status);
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(Body(error, RequestId(response)));
    }

    /// <summary>The error body; with <paramref name="requestId"/> null, the data of a stream's <c>error</c> event.</summary>
    public static byte[] Body(ApiError error, string? requestId)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, AnthropicJsonWriting.Options))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", TypeFor(error.Status));
            json.WriteString("message", error.Message);
            json.WriteEndObject();
            if (requestId is not null)
            {
                json.WriteString("request_id", requestId);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The request's id as the client knows it; Anthropic's SDKs read it from <c>request-id</c>.</summary>
    public static string? RequestId(HttpResponse response)
    {
        var id = response.Headers[RequestIds.Header].ToString();
        if (id.Length == 0)
        {
            return null;
        }

        response.Headers["request-id"] = id;
        return id;
    }
}
