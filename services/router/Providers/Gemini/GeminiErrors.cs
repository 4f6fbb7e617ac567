using System.Globalization;
using System.Text.Json;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Reads Google's error body, <c>{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}</c>
/// (also wrapped in an array, as a stream without <c>alt=sse</c> sends it), and recognizes what it means by its
/// canonical <c>status</c>: RESOURCE_EXHAUSTED is a rate limit (with <c>RetryInfo.retryDelay</c> as the wait),
/// UNAVAILABLE an overload, UNAUTHENTICATED and PERMISSION_DENIED a credential failure, INVALID_ARGUMENT about too
/// many tokens a context overflow; any other 4xx status an invalid request; the rest is left to the HTTP status.
/// </summary>
internal static class GeminiErrors
{
    public static UpstreamError Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error)
                ? Read(error)
                : UpstreamError.None;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON (an HTML page from a proxy), or not text: nothing in it is fit to pass on.
            return UpstreamError.None;
        }
    }

    /// <summary>The <c>error</c> member's value.</summary>
    public static UpstreamError Read(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return new UpstreamError(error.GetString(), null, null);
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return UpstreamError.None;
        }

        var message = GeminiJson.String(error, "message");
        var status = GeminiJson.String(error, "status");
        var kind = IsKeyRejected(error) ? UpstreamErrorKind.AuthenticationFailed : status switch
        {
            "RESOURCE_EXHAUSTED" => UpstreamErrorKind.RateLimited,
            "UNAVAILABLE" => UpstreamErrorKind.Overloaded,
            "UNAUTHENTICATED" or "PERMISSION_DENIED" => UpstreamErrorKind.AuthenticationFailed,
            "INVALID_ARGUMENT" when IsAboutTokenLimit(message) => UpstreamErrorKind.ContextLengthExceeded,
            "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "NOT_FOUND" or "OUT_OF_RANGE" => UpstreamErrorKind.InvalidRequest,
            _ => UpstreamErrorKind.Unknown,
        };
        var code = status?.ToLowerInvariant()
            ?? (error.TryGetProperty("code", out var number) && number.ValueKind == JsonValueKind.Number ? number.GetRawText() : null);
        return new UpstreamError(message, code, null, kind, kind == UpstreamErrorKind.RateLimited ? RetryDelay(error) : null);
    }

    /// <summary>
    /// "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576)." (Gemini API),
    /// "…the input token count is 1234567 but model only supports up to 1048576…" (Vertex AI).
    /// </summary>
    private static bool IsAboutTokenLimit(string? message) =>
        message is not null
        && message.Contains("token", StringComparison.OrdinalIgnoreCase)
        && (message.Contains("exceed", StringComparison.OrdinalIgnoreCase)
            || message.Contains("only supports up to", StringComparison.OrdinalIgnoreCase)
            || message.Contains("too long", StringComparison.OrdinalIgnoreCase)
            || message.Contains("too many", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The Gemini API answers a bad key with 400 INVALID_ARGUMENT; only the <c>ErrorInfo</c> detail's reason
    /// (<c>API_KEY_INVALID</c>, <c>API_KEY_EXPIRED</c>…) says it is the deployment's credential, not the request.
    /// </summary>
    private static bool IsKeyRejected(JsonElement error) =>
        Details(error).Any(d => GeminiJson.String(d, "@type") is { } type && type.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal)
            && GeminiJson.String(d, "reason") is { } reason && reason.StartsWith("API_KEY_", StringComparison.Ordinal));

    private static JsonElement.ArrayEnumerator Details(JsonElement error) =>
        error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array ? details.EnumerateArray() : default;

    /// <summary>The <c>google.rpc.RetryInfo</c> detail's <c>retryDelay</c> ("31s", "1.5s") in whole seconds, rounded up.</summary>
    private static int? RetryDelay(JsonElement error)
    {
        foreach (var detail in Details(error))
        {
            if (GeminiJson.String(detail, "@type") is { } type && type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal)
                && GeminiJson.String(detail, "retryDelay") is { } delay && delay.EndsWith('s')
                && double.TryParse(delay.AsSpan(0, delay.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                && seconds is >= 0 and < int.MaxValue)
            {
                return (int)Math.Ceiling(seconds);
            }
        }

        return null;
    }
}
