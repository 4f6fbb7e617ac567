using System.Text.Json;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Anthropic's error body <c>{"type":"error","error":{"type","message"},"request_id"}</c>, in an error answer and as
/// the <c>error</c> event of a stream, and what each error type means for the mesh. The type, not the status,
/// decides: a 529 and an in-stream <c>overloaded_error</c> are the same thing.
/// </summary>
internal static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    // How Anthropic words "the prompt does not fit": "prompt is too long: 208310 tokens > 200000 maximum", and
    // "input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, decrease input length...".
    private static readonly string[] ContextLengthPhrases = ["prompt is too long", "exceed context limit", "context window"];

    public static UpstreamError Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // An HTML page from a proxy or load balancer, or text that is not valid UTF-16: nothing in it is fit to
            // pass on; the status decides.
            return UpstreamError.None;
        }
    }

    public static UpstreamError Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("error", out var error)
            || error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.String)
        {
            // Not Anthropic's shape (a gateway in front of it, say): read it the way OpenAI-style servers write errors.
            return OpenAiErrors.Read(root);
        }

        var type = typeElement.GetString();
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new UpstreamError(message, null, null, KindOf(type, message));
    }

    public static UpstreamErrorKind KindOf(string? type, string? message) => type switch
    {
        // A key the provider refuses, or one without access to the model, is the mesh's configuration problem.
        Authentication or Permission => UpstreamErrorKind.AuthenticationFailed,
        RateLimit => UpstreamErrorKind.RateLimited,
        Overloaded => UpstreamErrorKind.Overloaded,
        InvalidRequest when IsContextLength(message) => UpstreamErrorKind.ContextLengthExceeded,
        InvalidRequest or NotFound or RequestTooLarge => UpstreamErrorKind.InvalidRequest,

        // api_error, timeout_error, billing_error and types added later: the HTTP status decides.
        _ => UpstreamErrorKind.Unknown,
    };

    /// <summary>The error type Anthropic documents for an HTTP status, for answering Anthropic clients.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        413 => RequestTooLarge,
        429 => RateLimit,
        503 or 529 => Overloaded,
        >= 500 => Api,
        _ => InvalidRequest,
    };

    private static bool IsContextLength(string? message) =>
        message is not null && ContextLengthPhrases.Any(phrase => message.Contains(phrase, StringComparison.OrdinalIgnoreCase));
}
