namespace AiMesh.Prompts;

/// <summary>
/// Prompts log messages. Event ids 6000–6019, 6020–6029 (prompt APIs), 6030–6039 (experiments), 6040–6049 (chains). Names, ids and numbers only: never a template's text nor a variable's
/// value, which may carry whatever a client sent.
/// </summary>
internal static partial class PromptsLog
{
    [LoggerMessage(6000, LogLevel.Information, "Prompts schema ready on {Provider} at version {Version} ({Applied} steps applied now)")]
    public static partial void SchemaReady(ILogger logger, string provider, int version, int applied);

    [LoggerMessage(6001, LogLevel.Warning, "Prompts database on {Provider} not available (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SchemaUnavailable(ILogger logger, Exception exception, string provider, int attempt, TimeSpan delay);

    [LoggerMessage(6002, LogLevel.Debug, "Prompts catalog reloaded: {Count} prompts")]
    public static partial void CatalogReloaded(ILogger logger, int count);

    [LoggerMessage(6003, LogLevel.Warning, "Reloading the prompts catalog failed; the cached prompts stay served, trying again in {Interval}")]
    public static partial void CatalogReloadFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(6004, LogLevel.Debug, "Prompt {Name} reloaded after a change")]
    public static partial void PromptReloaded(ILogger logger, string name);

    [LoggerMessage(6005, LogLevel.Information, "Prompt {Name}: version {Version} published by {Author}")]
    public static partial void VersionPublished(ILogger logger, string name, int version, string author);

    [LoggerMessage(6006, LogLevel.Information, "Prompt {Name}: label {Label} moved from version {From} to {To} by {MovedBy} (rollback: {Rollback})")]
    public static partial void LabelMoved(ILogger logger, string name, string label, int? from, int to, string movedBy, bool rollback);

    [LoggerMessage(6007, LogLevel.Information, "Prompt {Name} created")]
    public static partial void PromptCreated(ILogger logger, string name);

    [LoggerMessage(6008, LogLevel.Warning, "A stored prompt version's variable schema cannot be read; its requests are rendered without it: {Error}")]
    public static partial void SchemaUnreadable(ILogger logger, string error);

    [LoggerMessage(6020, LogLevel.Information, "Prompt {Name}: API published (enabled: {Enabled}) by {UpdatedBy}")]
    public static partial void ApiSet(ILogger logger, string name, bool enabled, string updatedBy);

    [LoggerMessage(6021, LogLevel.Information, "Prompt {Name}: API withdrawn by {DeletedBy}")]
    public static partial void ApiDeleted(ILogger logger, string name, string deletedBy);

    [LoggerMessage(6030, LogLevel.Information, "Prompt {Name}: label {Label} split between {Shares} by {ChangedBy}")]
    public static partial void SplitSet(ILogger logger, string name, string label, string shares, string changedBy);

    [LoggerMessage(6031, LogLevel.Information, "Prompt {Name}: the split on label {Label} ended by {EndedBy}")]
    public static partial void SplitEnded(ILogger logger, string name, string label, string endedBy);

    [LoggerMessage(6040, LogLevel.Information, "Chain {Name} saved ({Steps} steps) by {Author}")]
    public static partial void ChainSaved(ILogger logger, string name, int steps, string author);

    [LoggerMessage(6041, LogLevel.Information, "Chain {Name} deleted")]
    public static partial void ChainDeleted(ILogger logger, string name);
}
