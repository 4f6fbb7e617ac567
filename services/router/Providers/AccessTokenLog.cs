using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Providers;

/// <summary>Log messages of <see cref="AccessTokenCache"/>: names, statuses and numbers only, never a token, a secret, an assertion or what a token endpoint said.</summary>
internal static partial class AccessTokenLog
{
    [LoggerMessage(EventId = EventIds.TokenExchangeFailed, Level = LogLevel.Warning,
        Message = "Deployment {Deployment}: the OAuth token endpoint refused the grant with status {Status}")]
    public static partial void TokenExchangeFailed(this ILogger logger, string deployment, int status);

    [LoggerMessage(EventId = EventIds.TokenExchangeError, Level = LogLevel.Warning,
        Message = "Deployment {Deployment}: no access token from the OAuth token endpoint ({Error})")]
    public static partial void TokenExchangeError(this ILogger logger, string deployment, string error);

    [LoggerMessage(EventId = EventIds.TokenObtained, Level = LogLevel.Debug,
        Message = "Deployment {Deployment}: obtained an access token valid for {Seconds} s")]
    public static partial void TokenObtained(this ILogger logger, string deployment, int seconds);
}
