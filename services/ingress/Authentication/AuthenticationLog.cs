namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Log messages of the ingress's own credential checks, event ids 1080–1089 of the ingress's range. A reason, an
/// issuer's host or a count: never a token, a claim value or a certificate.
/// </summary>
internal static partial class AuthenticationLog
{
    [LoggerMessage(1080, LogLevel.Information, "Bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(1081, LogLevel.Information, "Client certificate refused: {Reason}")]
    public static partial void CertificateRefused(ILogger logger, string reason);

    [LoggerMessage(1085, LogLevel.Warning, "Credential refused unchecked: its address had too many refused tokens or certificates; held {RetryAfterSeconds} s more")]
    public static partial void AddressHeld(ILogger logger, int retryAfterSeconds);

    [LoggerMessage(1082, LogLevel.Information, "JWKS from {Host}: {KeyCount} signing keys")]
    public static partial void JwksFetched(ILogger logger, string host, int keyCount);

    [LoggerMessage(1083, LogLevel.Warning, "JWKS from {Host} could not be fetched ({Error}); keeping the keys cached")]
    public static partial void JwksFetchFailed(ILogger logger, string host, string error);

    [LoggerMessage(1084, LogLevel.Warning, "JWKS from {Host} did not arrive within the timeout; the request goes on with the keys cached")]
    public static partial void JwksSlow(ILogger logger, string host);
}
