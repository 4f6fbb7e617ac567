using Microsoft.Extensions.Logging;

namespace AiMesh.Hosting.Metrics;

/// <summary>Log events of the hosting's metrics (hosting's range for them: 5020–5039).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning,
        Message = "Reading the depth of the bus queues failed; the queue-depth gauge is absent until a read succeeds")]
    public static partial void QueueDepthReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information,
        Message = "Reading the depth of the bus queues again after {Failures} failed reads")]
    public static partial void QueueDepthReadRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Warning,
        Message = "Collecting metrics for a scrape did not finish within {TimeoutMs} ms; the answer may lack some")]
    public static partial void CollectTimedOut(ILogger logger, int timeoutMs);
}
