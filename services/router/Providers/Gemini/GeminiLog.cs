using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>Log messages of the Google adapters: names, statuses and numbers only, never a token, an assertion or what a token endpoint said.</summary>
internal static partial class GeminiLog
{
    [LoggerMessage(EventId = EventIds.VertexTokenExchangeFailed, Level = LogLevel.Warning,
        Message = "Deployment {Deployment}: the OAuth token endpoint refused the service account's assertion with status {Status}")]
    public static partial void VertexTokenExchangeFailed(this ILogger logger, string deployment, int status);

    [LoggerMessage(EventId = EventIds.VertexTokenExchangeError, Level = LogLevel.Warning,
        Message = "Deployment {Deployment}: no access token from the OAuth token endpoint ({Error})")]
    public static partial void VertexTokenExchangeError(this ILogger logger, string deployment, string error);

    [LoggerMessage(EventId = EventIds.VertexTokenObtained, Level = LogLevel.Debug,
        Message = "Deployment {Deployment}: obtained an access token valid for {Seconds} s")]
    public static partial void VertexTokenObtained(this ILogger logger, string deployment, int seconds);
}
