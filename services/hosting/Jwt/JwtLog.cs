using Microsoft.Extensions.Logging;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Log messages of the shared token verification, event ids 5000–5019 (hosting's range). An issuer's host, the
/// configuration section of the verifier (which service's) and a count or an exception's type: never a token or a claim value.
/// </summary>
internal static partial class JwtLog
{
    [LoggerMessage(5000, LogLevel.Information, "JWKS from {Host} ({Section}): {KeyCount} signing keys")]
    public static partial void JwksFetched(ILogger logger, string host, string section, int keyCount);

    [LoggerMessage(5001, LogLevel.Warning, "JWKS from {Host} ({Section}) could not be fetched ({Error}); keeping the keys cached")]
    public static partial void JwksFetchFailed(ILogger logger, string host, string section, string error);

    [LoggerMessage(5002, LogLevel.Warning, "JWKS from {Host} ({Section}) did not arrive within the timeout; the request goes on with the keys cached")]
    public static partial void JwksSlow(ILogger logger, string host, string section);
}
