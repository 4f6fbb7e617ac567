namespace AiMesh.Policy;

/// <summary>Policy log messages. Event ids 2000–2099. Never the credential or its hash.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(2001, LogLevel.Information, "Request {RequestId}: credential rejected for {Operation}")]
    public static partial void KeyRejected(ILogger logger, Guid requestId, string operation);

    [LoggerMessage(2002, LogLevel.Information, "Request {RequestId}: key {KeyId} may not use the model asked for")]
    public static partial void ModelDenied(ILogger logger, Guid requestId, string keyId);

    [LoggerMessage(2003, LogLevel.Information, "Policy serving {KeyCount} configured keys")]
    public static partial void KeysLoaded(ILogger logger, int keyCount);
}
