using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// What Bedrock's errors mean. An error answer is <c>{"message":…}</c> with its type in the
/// <c>x-amzn-ErrorType</c> header (<c>ThrottlingException:http://internal.amazon.com/coral/…</c>); a stream's
/// exception events carry the type in camel case (<c>throttlingException</c>). Both map to one kind table.
/// </summary>
internal static partial class BedrockErrors
{
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    /// <param name="errorType">The header's value; when absent the body's <c>__type</c> or <c>code</c> is used.</param>
    public static UpstreamError Read(ReadOnlySpan<byte> body, string? errorType)
    {
        string? message = null;
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                message = JsonText.Of(root, "message") ?? JsonText.Of(root, "Message");
                errorType ??= JsonText.Of(root, "__type") ?? JsonText.Of(root, "code");
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON (a proxy's page), or a string .NET cannot hold: only the header can say what happened.
        }

        var type = Sanitize(errorType);
        return new UpstreamError(message, null, null, type is null ? UpstreamErrorKind.Unknown : KindOf(type, message));
    }

    /// <summary>An exception event of a stream, or the generic <c>error</c> message (<c>{"code","message"}</c>).</summary>
    public static UpstreamError FromStream(string type, string payload)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Read(System.Text.Encoding.UTF8.GetBytes(payload), type == EventStreamDecoder.ErrorEvent ? null : type);
    }

    /// <summary>
    /// Whether a name is one of the stream union's exception members. Every AWS error shape's name ends in
    /// "Exception", so an exception added after this was written is still recognized as one.
    /// </summary>
    public static bool IsError(string eventType) =>
        eventType == EventStreamDecoder.ErrorEvent || eventType.EndsWith("Exception", StringComparison.OrdinalIgnoreCase);

    internal static UpstreamErrorKind KindOf(string type, string? message) => type.ToUpperInvariant() switch
    {
        "THROTTLINGEXCEPTION" or "SERVICEQUOTAEXCEEDEDEXCEPTION" or "TOOMANYREQUESTSEXCEPTION" => UpstreamErrorKind.RateLimited,
        "SERVICEUNAVAILABLEEXCEPTION" or "MODELNOTREADYEXCEPTION" => UpstreamErrorKind.Overloaded,
        "ACCESSDENIEDEXCEPTION" or "UNRECOGNIZEDCLIENTEXCEPTION" or "INVALIDSIGNATUREEXCEPTION" or "INCOMPLETESIGNATUREEXCEPTION"
            or "INCOMPLETESIGNATURE" or "MISSINGAUTHENTICATIONTOKENEXCEPTION" or "MISSINGAUTHENTICATIONTOKEN" or "EXPIREDTOKENEXCEPTION"
            or "INVALIDCLIENTTOKENID" or "NOTAUTHORIZED" or "REQUESTEXPIRED" => UpstreamErrorKind.AuthenticationFailed,
        "VALIDATIONEXCEPTION" when message is not null && TooLong().IsMatch(message) => UpstreamErrorKind.ContextLengthExceeded,
        "VALIDATIONEXCEPTION" or "RESOURCENOTFOUNDEXCEPTION" or "CONFLICTEXCEPTION" => UpstreamErrorKind.InvalidRequest,
        // InternalServerException, ModelErrorException, ModelTimeoutException, ModelStreamErrorException and the
        // unknown: the status decides (5xx, 424 and 408 become the router's provider errors).
        _ => UpstreamErrorKind.Unknown,
    };

    /// <summary><c>Type:http://…</c> and <c>namespace#Type</c> both mean <c>Type</c>, as the AWS SDKs read them.</summary>
    private static string? Sanitize(string? errorType)
    {
        if (string.IsNullOrWhiteSpace(errorType))
        {
            return null;
        }

        var type = errorType;
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            type = type[..colon];
        }

        var hash = type.LastIndexOf('#');
        return (hash >= 0 ? type[(hash + 1)..] : type).Trim();
    }


    // Bedrock passes each model's own words: "Input is too long for requested model", "prompt is too long: 210000
    // tokens > 200000 maximum", "Too many input tokens", "exceeds the maximum number of tokens", "context window".
    [GeneratedRegex(@"too long|too many (input )?tokens|context (length|window)|maximum context|exceeds? (the )?(max|maximum)( number of)?( input)? tokens",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex TooLong();
}
