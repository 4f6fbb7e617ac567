namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Log messages of the ingress's own credential checks, event ids 1080–1089 of the ingress's range (1082–1084, the JWKS
/// fetches, moved with the verifier to services/hosting/Jwt/JwtLog.cs as 5000–5002). A reason, an
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
}
