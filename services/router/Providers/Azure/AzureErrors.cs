using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// Azure OpenAI's error body, OpenAI's envelope with Azure's codes: <c>{"error":{"code","message","param","type",
/// "status","innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{…}}}}</c>. The code decides the
/// kind: a prompt its content filter blocked (<c>content_filter</c>, or the inner <c>ResponsibleAIPolicyViolation</c>)
/// is <see cref="UpstreamErrorKind.ContentFiltered"/>; <c>context_length_exceeded</c> is the context error; Azure's
/// numeric codes (<c>"429"</c>, <c>"401"</c>) and named ones (<c>RateLimitReached</c>, <c>PermissionDenied</c>…) the
/// rate limit and credential failures. Azure names the wait of a 429 in <c>retry-after-ms</c> as well as
/// <c>Retry-After</c>; the milliseconds are read when the seconds are missing.
/// </summary>
internal static class AzureErrors
{
    public const string ContentFilterCode = "content_filter";
    public const string PolicyViolationCode = "ResponsibleAIPolicyViolation";

    private static readonly string[] RetryAfterMsHeaders = ["retry-after-ms", "x-ms-retry-after-ms"];

    public static UpstreamError Read(ReadOnlySpan<byte> body) =>
        ProviderJson.Read(body, 0, static (_, root) => Read(root), UpstreamError.None);

    public static UpstreamError Read(JsonElement root)
    {
        var error = OpenAiErrors.Read(root);
        var inner = root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("error", out var envelope) && envelope.ValueKind == JsonValueKind.Object
            && envelope.TryGetProperty("innererror", out var innerError) && innerError.ValueKind == JsonValueKind.Object
            && innerError.TryGetProperty("code", out var innerCode) && innerCode.ValueKind == JsonValueKind.String
                ? innerCode.GetString()
                : null;
        var kind = KindOf(error.Code, inner);
        return kind == UpstreamErrorKind.Unknown ? error : new UpstreamError(error.Message, error.Code, error.Param, kind);
    }

    /// <summary>The error with the wait of <c>retry-after-ms</c>, when the answer has it (the transport prefers <c>Retry-After</c>).</summary>
    public static UpstreamError WithRetryAfterMs(UpstreamError error, HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in RetryAfterMsHeaders)
        {
            if (headers.TryGetValues(name, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
                && milliseconds is >= 0 and < int.MaxValue)
            {
                return new UpstreamError(error.Message, error.Code, error.Param, error.Kind, (int)Math.Ceiling(milliseconds / 1000));
            }
        }

        return error;
    }

    private static UpstreamErrorKind KindOf(string? code, string? innerCode)
    {
        if (innerCode == PolicyViolationCode)
        {
            return UpstreamErrorKind.ContentFiltered;
        }

        return code switch
        {
            ContentFilterCode => UpstreamErrorKind.ContentFiltered,
            "context_length_exceeded" => UpstreamErrorKind.ContextLengthExceeded,
            "429" or "RateLimitReached" or "rate_limit_exceeded" or "TooManyRequests" => UpstreamErrorKind.RateLimited,
            "401" or "403" or "PermissionDenied" or "invalid_api_key" or "AuthenticationTypeDisabled" or "Unauthorized"
                => UpstreamErrorKind.AuthenticationFailed,
            "DeploymentNotFound" or "OperationNotSupported" or "invalid_request_error" or "BadRequest" => UpstreamErrorKind.InvalidRequest,
            "ServiceUnavailable" or "503" => UpstreamErrorKind.Overloaded,
            _ => UpstreamErrorKind.Unknown,
        };
    }
}
