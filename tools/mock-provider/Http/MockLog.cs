namespace AiMesh.MockProvider.Http;

/// <summary>The mock's log events. Paths and addresses only: never bodies, prompts or headers.</summary>
internal static partial class MockLog
{
    [LoggerMessage(EventId = 9002, Level = LogLevel.Debug, Message = "Rejected a malformed mock scenario on {Path}")]
    public static partial void ScenarioRejected(ILogger logger, string path);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Debug, Message = "Aborted a request to {Path} because the mock is stopping")]
    public static partial void AbortedOnShutdown(ILogger logger, string path);
}
