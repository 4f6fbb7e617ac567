using Microsoft.Extensions.Logging;

namespace AiMesh.Hosting.Batching;

/// <summary>Log events of the shared batch sender (hosting's range for them: 5040–5049).</summary>
internal static partial class BatchingLog
{
    [LoggerMessage(EventId = 5040, Level = LogLevel.Warning,
        Message = "{Sender}: {Count} records could not be sent (attempt {Attempt}); retrying in {Pause}")]
    public static partial void SendFailed(ILogger logger, string sender, int count, int attempt, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 5041, Level = LogLevel.Information,
        Message = "{Sender}: {Count} records sent after {Attempts} attempts")]
    public static partial void SendRecovered(ILogger logger, string sender, int count, int attempts);

    [LoggerMessage(EventId = 5042, Level = LogLevel.Error,
        Message = "{Sender}: {Count} records were not sent before the service stopped")]
    public static partial void LostAtStop(ILogger logger, string sender, int count);
}
