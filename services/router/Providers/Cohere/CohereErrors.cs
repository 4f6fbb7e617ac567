using System.Text.Json;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// Cohere's error body, <c>{"id"?, "message"}</c>, with no error code: the kind is recognized from the message where
/// Cohere's documented messages say it ("too many tokens: … size limit exceeded" is a context overflow, "invalid api
/// token" a credentials failure, "You are using a Trial key" a rate limit), else the status decides (429 rate limit,
/// 503 overloaded, 401/403 credentials). The same shape ends a stream in an error event.
/// </summary>
internal static class CohereErrors
{
    public static UpstreamError Read(ReadOnlySpan<byte> body) =>
        ProviderJson.Read(body, 0, static (_, root) => Read(root), UpstreamError.None);

    public static UpstreamError Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return UpstreamError.None;
        }

        var message = root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        return new UpstreamError(message, null, null, Kind(message));
    }

    /// <summary>What a Cohere error message says the error is; <see cref="UpstreamErrorKind.Unknown"/> lets the status decide.</summary>
    public static UpstreamErrorKind Kind(string? message)
    {
        if (message is null)
        {
            return UpstreamErrorKind.Unknown;
        }

        if (Has(message, "too many tokens") && !Has(message, "max tokens must"))
        {
            return UpstreamErrorKind.ContextLengthExceeded;
        }

        if (Has(message, "invalid api token") || Has(message, "no api key") || Has(message, "api key has expired"))
        {
            return UpstreamErrorKind.AuthenticationFailed;
        }

        if (Has(message, "trial key") || Has(message, "rate limit") || Has(message, "too many requests"))
        {
            return UpstreamErrorKind.RateLimited;
        }

        return Has(message, "overloaded") || Has(message, "service unavailable") ? UpstreamErrorKind.Overloaded : UpstreamErrorKind.Unknown;
    }

    private static bool Has(string message, string phrase) => message.Contains(phrase, StringComparison.OrdinalIgnoreCase);
}
