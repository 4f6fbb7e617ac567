namespace AiMesh.Metering;

/// <summary>
/// Metering log messages. Event ids 4000–4099. Ids and numbers only: never tag values, never anything the
/// prompt or the completion carried.
/// </summary>
internal static partial class MeteringLog
{
    [LoggerMessage(4001, LogLevel.Debug, "Request {RequestId}: usage stored as event {EventId} at sequence {Sequence}")]
    public static partial void UsageStored(ILogger logger, Guid requestId, Guid eventId, long sequence);

    [LoggerMessage(4002, LogLevel.Information, "Request {RequestId}: usage already stored as event {EventId} at sequence {Sequence}; publishing it again")]
    public static partial void UsageAlreadyStored(ILogger logger, Guid requestId, Guid eventId, long sequence);

    [LoggerMessage(4003, LogLevel.Warning, "Request {RequestId}: the ingress's usage record arrived after metering had written event {EventId} from the router's report; ignored, the router's figures stand")]
    public static partial void UsageLate(ILogger logger, Guid requestId, Guid eventId);

    [LoggerMessage(4040, LogLevel.Warning, "Request {RequestId}: no usage record from the ingress by its deadline plus the grace; event {EventId} written from the router's report (outcome {Outcome}, {Attempts} attempts)")]
    public static partial void UsageRecovered(ILogger logger, Guid requestId, Guid eventId, string outcome, int attempts);

    [LoggerMessage(4041, LogLevel.Warning, "Reconciling the routers' reports with the usage events failed; trying again in {Interval}")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(4042, LogLevel.Information, "Request {RequestId}: event {EventId}, written from the router's report by a reconciler that stopped before publishing it, published now")]
    public static partial void RecoveredRepublished(ILogger logger, Guid requestId, Guid eventId);

    [LoggerMessage(4043, LogLevel.Debug, "{Count} router reports kept ({Inserted} new)")]
    public static partial void ReportsKept(ILogger logger, int count, int inserted);

    [LoggerMessage(4010, LogLevel.Information, "Metering schema ready on {Provider} (created: {Created})")]
    public static partial void SchemaReady(ILogger logger, string provider, bool created);

    [LoggerMessage(4012, LogLevel.Information, "Metering schema on {Provider}: added columns {Columns} to usage_events")]
    public static partial void ColumnsAdded(ILogger logger, string provider, string columns);

    [LoggerMessage(4072, LogLevel.Information, "Metering schema on {Provider}: added columns {Columns} to usage_bodies")]
    public static partial void BodyColumnsAdded(ILogger logger, string provider, string columns);

    [LoggerMessage(4013, LogLevel.Warning, "Metering schema on {Provider}: usage_rollups was created beside stored usage events, which it does not count yet; run ./aimesh metering rebuild-projections")]
    public static partial void RollupsNeedRebuild(ILogger logger, string provider);

    [LoggerMessage(4011, LogLevel.Warning, "Metering database on {Provider} not available (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SchemaUnavailable(ILogger logger, Exception exception, string provider, int attempt, TimeSpan delay);

    [LoggerMessage(4050, LogLevel.Information, "Deleted {Count} logged bodies stored more than {Retention} ago")]
    public static partial void BodiesSwept(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(4051, LogLevel.Warning, "The sweep of logged bodies past retention failed; it runs again at the next interval")]
    public static partial void BodySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(4060, LogLevel.Debug, "{Count} shadow results kept ({Inserted} new)")]
    public static partial void ShadowResultsKept(ILogger logger, int count, int inserted);

    [LoggerMessage(4061, LogLevel.Information, "Deleted {Count} shadow results that ended more than {Retention} ago")]
    public static partial void ShadowResultsSwept(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(4062, LogLevel.Warning, "The sweep of shadow results past retention failed; it runs again at the next interval")]
    public static partial void ShadowSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(4063, LogLevel.Error, "Shadow results message {MessageId} ({ResultCount} results, the first for request {RequestId}) was moved to the error queue: {ExceptionType}. Its results wait there; move them back once the cause is fixed")]
    public static partial void ShadowResultsFaulted(ILogger logger, Guid? messageId, int resultCount, Guid? requestId, string exceptionType);

    [LoggerMessage(4030, LogLevel.Error, "Usage message {MessageId} ({RecordCount} records, the first for request {RequestId}) was moved to aimesh-metering_error: {ExceptionType}. Its records wait there; move them back once the cause is fixed")]
    public static partial void UsageFaulted(ILogger logger, Guid? messageId, int recordCount, Guid? requestId, string exceptionType);

    [LoggerMessage(4070, LogLevel.Debug, "Feedback on request {RequestId} kept: score {Score} (replaced an earlier one: {Replaced})")]
    public static partial void FeedbackRecorded(ILogger logger, Guid requestId, double score, bool replaced);

    [LoggerMessage(4071, LogLevel.Debug, "Feedback on request {RequestId} refused (not recorded: {Unknown}; else another caller's)")]
    public static partial void FeedbackRefused(ILogger logger, Guid requestId, bool unknown);
}
