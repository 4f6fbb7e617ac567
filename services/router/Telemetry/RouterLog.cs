namespace AiMesh.Router.Telemetry;

/// <summary>
/// The router's log messages. Ids, names, numbers and codes only: never a request or answer body, a header
/// or a key, and never a provider's error text (it may echo a credential).
/// </summary>
internal static partial class RouterLog
{
    [LoggerMessage(EventId = EventIds.RouteStarted, Level = LogLevel.Debug,
        Message = "Request {RequestId}: calling deployment {Deployment} ({Provider}) for {Api}, stream {Stream}")]
    public static partial void RouteStarted(this ILogger logger, Guid requestId, string deployment, string provider, string api, bool stream);

    // Debug, not Information: a line per successful request cost the router a sixth of its CPU at 1,000 req/s with
    // the console logger, and says nothing the usage event (deployment, status, timings) and the trace do not.
    [LoggerMessage(EventId = EventIds.RouteSucceeded, Level = LogLevel.Debug,
        Message = "Request {RequestId}: deployment {Deployment} answered {Status} with {ChunkCount} chunks, first byte {FirstByteMs:F0} ms, total {DurationMs:F0} ms")]
    public static partial void RouteSucceeded(this ILogger logger, Guid requestId, string deployment, int status, int chunkCount, double? firstByteMs, double durationMs);

    [LoggerMessage(EventId = EventIds.RouteFailed, Level = LogLevel.Warning,
        Message = "Request {RequestId}: deployment {Deployment} failed: {Status} {Code} ({Failure}, upstream status {UpstreamStatus}) after {ChunkCount} chunks, total {DurationMs:F0} ms")]
    public static partial void RouteFailed(this ILogger logger, Guid requestId, string deployment, int status, string code, string failure, int? upstreamStatus, int chunkCount, double durationMs);

    [LoggerMessage(EventId = EventIds.RouteCancelled, Level = LogLevel.Information,
        Message = "Request {RequestId}: call to deployment {Deployment} cancelled after {ChunkCount} chunks, total {DurationMs:F0} ms")]
    public static partial void RouteCancelled(this ILogger logger, Guid requestId, string deployment, int chunkCount, double durationMs);

    [LoggerMessage(EventId = EventIds.ModelUnpriced, Level = LogLevel.Warning,
        Message = "Deployment {Deployment} ({Provider}, model {Model}) has no price: its requests are metered without a cost. Add the model to the price table or a Price block to the deployment")]
    public static partial void ModelUnpriced(this ILogger logger, string deployment, string provider, string model);

    [LoggerMessage(EventId = EventIds.ModelNotFound, Level = LogLevel.Information,
        Message = "Request {RequestId}: no deployment serves {Api} for the requested model")]
    public static partial void ModelNotFound(this ILogger logger, Guid requestId, string api);

    [LoggerMessage(EventId = EventIds.RequestRejected, Level = LogLevel.Information,
        Message = "Request {RequestId}: refused before any provider call: {Status} {Code}")]
    public static partial void RequestRejected(this ILogger logger, Guid requestId, int status, string code);

    [LoggerMessage(EventId = EventIds.UpstreamUnreachable, Level = LogLevel.Warning,
        Message = "Request {RequestId}: deployment {Deployment} gave no answer")]
    public static partial void UpstreamUnreachable(this ILogger logger, Guid requestId, string deployment, Exception exception);

    [LoggerMessage(EventId = EventIds.UpstreamReadFailed, Level = LogLevel.Warning,
        Message = "Request {RequestId}: reading the answer of deployment {Deployment} failed")]
    public static partial void UpstreamReadFailed(this ILogger logger, Guid requestId, string deployment, Exception exception);

    [LoggerMessage(EventId = EventIds.CallAbandoned, Level = LogLevel.Information,
        Message = "Request {RequestId} abandoned ({Reason}); call in flight on this replica: {InFlight}")]
    public static partial void CallAbandoned(this ILogger logger, Guid requestId, string reason, bool inFlight);

    [LoggerMessage(EventId = EventIds.ModelsListed, Level = LogLevel.Debug,
        Message = "Request {RequestId}: listed {Count} models")]
    public static partial void ModelsListed(this ILogger logger, Guid requestId, int count);

    [LoggerMessage(EventId = EventIds.StreamChannelRefused, Level = LogLevel.Warning,
        Message = "Request {RequestId}: the ingress's stream channel did not take the stream (status {Status}; 0: unreachable); its chunks go by bus")]
    public static partial void StreamChannelRefused(this ILogger logger, Guid requestId, int status);

    [LoggerMessage(EventId = EventIds.StreamChannelIncomplete, Level = LogLevel.Warning,
        Message = "Request {RequestId}: the ingress did not confirm the streamed chunks (status {Status}; 0: no answer)")]
    public static partial void StreamChannelIncomplete(this ILogger logger, Guid requestId, int status, Exception? exception);

    [LoggerMessage(EventId = EventIds.CredentialsLoaded, Level = LogLevel.Information,
        Message = "Holding {Count} of the {Wanted} stored provider credentials the deployments name")]
    public static partial void CredentialsLoaded(this ILogger logger, int count, int wanted);

    [LoggerMessage(EventId = EventIds.CredentialUpdated, Level = LogLevel.Information,
        Message = "Provider credential {Name} updated to version {Version}")]
    public static partial void CredentialUpdated(this ILogger logger, string name, long version);

    [LoggerMessage(EventId = EventIds.CredentialRemoved, Level = LogLevel.Warning,
        Message = "Provider credential {Name} was deleted; deployments naming it fail until it exists again")]
    public static partial void CredentialRemoved(this ILogger logger, string name);

    [LoggerMessage(EventId = EventIds.CredentialUnreadable, Level = LogLevel.Error,
        Message = "Provider credential {Name} is sealed under master key {KeyId}, which this router's ring cannot open with it")]
    public static partial void CredentialUnreadable(this ILogger logger, string name, string keyId);

    [LoggerMessage(EventId = EventIds.CredentialsReloadFailed, Level = LogLevel.Warning,
        Message = "Asking policy for the stored provider credentials failed; serving what is held")]
    public static partial void CredentialsReloadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.CredentialsUnavailable, Level = LogLevel.Warning,
        Message = "Policy has no master key configured: stored provider credentials are unavailable")]
    public static partial void CredentialsUnavailable(this ILogger logger);

    [LoggerMessage(EventId = EventIds.CredentialMissing, Level = LogLevel.Warning,
        Message = "Request {RequestId}: deployment {Deployment} names provider credential {Name}, which this router does not hold; nothing sent upstream")]
    public static partial void CredentialMissing(this ILogger logger, Guid requestId, string deployment, string name);

    [LoggerMessage(EventId = EventIds.DeploymentLimitStoreDown, Level = LogLevel.Warning,
        Message = "Deployment limits: Redis failed three times in a row ({Failure}); counting as Router:Limits:OnStoreDown says for {RetryAfter}")]
    public static partial void DeploymentLimitStoreDown(this ILogger logger, string failure, TimeSpan retryAfter);

    [LoggerMessage(EventId = EventIds.DeploymentLimitSettleFailed, Level = LogLevel.Warning,
        Message = "Request {RequestId}: giving back its deployment slot failed ({Failure}); the slot frees itself when its hold expires")]
    public static partial void DeploymentLimitSettleFailed(this ILogger logger, Guid requestId, string failure);

    [LoggerMessage(EventId = EventIds.Retrying, Level = LogLevel.Information,
        Message = "Request {RequestId}: {Deployment} failed ({Kind}, upstream status {UpstreamStatus}) before anything reached the client; trying {Next}")]
    public static partial void Retrying(this ILogger logger, Guid requestId, string deployment, string kind, int? upstreamStatus, string next);

    [LoggerMessage(EventId = EventIds.FallbackTaken, Level = LogLevel.Information,
        Message = "Request {RequestId}: model group {Model} failed ({Reason}) before anything reached the client; falling back to {Next} (depth {Depth}, {Calls} provider calls so far)")]
    public static partial void FallbackTaken(this ILogger logger, Guid requestId, string model, string reason, string next, int depth, int calls);

    [LoggerMessage(EventId = EventIds.FallbackStopped, Level = LogLevel.Information,
        Message = "Request {RequestId}: model group {Model} failed ({Reason}); fallback {Next} not tried: {Limit} reached after {Calls} provider calls")]
    public static partial void FallbackStopped(this ILogger logger, Guid requestId, string model, string reason, string next, string limit, int calls);

    [LoggerMessage(EventId = EventIds.FallbackDepthReached, Level = LogLevel.Information,
        Message = "Request {RequestId}: model group {Model} failed ({Reason}) at the fallback depth limit {MaxDepth}; its own fallbacks are not followed")]
    public static partial void FallbackDepthReached(this ILogger logger, Guid requestId, string model, string reason, int maxDepth);

    [LoggerMessage(EventId = EventIds.FallbackSkipped, Level = LogLevel.Debug,
        Message = "Request {RequestId}: fallback {Model} has no deployment for this request's API; passed over")]
    public static partial void FallbackSkipped(this ILogger logger, Guid requestId, string model);

    [LoggerMessage(EventId = EventIds.CircuitOpened, Level = LogLevel.Warning,
        Message = "Deployment {Deployment} is failing: its circuit is open, no calls for {BreakTime}")]
    public static partial void CircuitOpened(this ILogger logger, string deployment, TimeSpan breakTime);

    [LoggerMessage(EventId = EventIds.CircuitClosed, Level = LogLevel.Information,
        Message = "Deployment {Deployment} answered its probe: its circuit is closed")]
    public static partial void CircuitClosed(this ILogger logger, string deployment);

    [LoggerMessage(EventId = EventIds.RouteRuleMatched, Level = LogLevel.Debug,
        Message = "Request {RequestId}: rule {Rule} routes it to {Target}")]
    public static partial void RouteRuleMatched(this ILogger logger, Guid requestId, string rule, string target);

    [LoggerMessage(EventId = EventIds.RouteSplit, Level = LogLevel.Debug,
        Message = "Request {RequestId}: the caller's side of {Model}'s split is {Target}")]
    public static partial void RouteSplit(this ILogger logger, Guid requestId, string model, string target);

    [LoggerMessage(EventId = EventIds.SplitOutsideRegions, Level = LogLevel.Debug,
        Message = "Request {RequestId}: the caller's side of {Model}'s split is {Target}, which has no deployment in its allowed regions; it stays on {Model}")]
    public static partial void SplitOutsideRegions(this ILogger logger, Guid requestId, string model, string target);

    [LoggerMessage(EventId = EventIds.RegionNotAllowed, Level = LogLevel.Information,
        Message = "Request {RequestId}: {Model} has no deployment in the caller's allowed regions; nothing sent upstream")]
    public static partial void RegionNotAllowed(this ILogger logger, Guid requestId, string model);

    [LoggerMessage(EventId = EventIds.CircuitOpenedByPeer, Level = LogLevel.Information,
        Message = "Deployment {Deployment}'s circuit was opened by another router replica: no calls for {BreakTime}")]
    public static partial void CircuitOpenedByPeer(this ILogger logger, string deployment, TimeSpan breakTime);

    [LoggerMessage(EventId = EventIds.HealthReportFailed, Level = LogLevel.Debug,
        Message = "The deployment health report could not be published ({Failure}); the next is due within the interval")]
    public static partial void HealthReportFailed(this ILogger logger, string failure);

    [LoggerMessage(EventId = EventIds.DeploymentHealthListed, Level = LogLevel.Debug,
        Message = "Listed {Count} deployments' health for {RequestId}, merged over {Replicas} router replicas")]
    public static partial void DeploymentHealthListed(this ILogger logger, Guid requestId, int count, int replicas);

    [LoggerMessage(EventId = EventIds.RouteRedelivered, Level = LogLevel.Warning,
        Message = "Route {RequestId} was delivered again after the replica serving it died: answered route_interrupted, not called again")]
    public static partial void RouteRedelivered(this ILogger logger, Guid requestId);

    [LoggerMessage(EventId = EventIds.HealthChecked, Level = LogLevel.Debug,
        Message = "Active health check of {Deployment}: healthy {Healthy} (failure {Failure}, status {UpstreamStatus})")]
    public static partial void HealthChecked(this ILogger logger, string deployment, bool healthy, string? failure, int? upstreamStatus);

    [LoggerMessage(EventId = EventIds.ShadowAnswered, Level = LogLevel.Debug,
        Message = "Request {RequestId}: shadow {ShadowModel} on {Deployment} answered in {DurationMs:F0} ms (primary {PrimaryDurationMs:F0} ms), similarity {Similarity:F2}")]
    public static partial void ShadowAnswered(this ILogger logger, Guid requestId, string shadowModel, string deployment, double durationMs, double primaryDurationMs, double? similarity);

    [LoggerMessage(EventId = EventIds.ShadowFailed, Level = LogLevel.Information,
        Message = "Request {RequestId}: shadow {ShadowModel} on {Deployment} failed: {Status} {Code} after {DurationMs:F0} ms; the client was not concerned")]
    public static partial void ShadowFailed(this ILogger logger, Guid requestId, string shadowModel, string deployment, int status, string code, double durationMs);

    [LoggerMessage(EventId = EventIds.ShadowSkipped, Level = LogLevel.Debug,
        Message = "Request {RequestId}: not shadowed to {ShadowModel}: {Reason}")]
    public static partial void ShadowSkipped(this ILogger logger, Guid requestId, string shadowModel, string reason);

    [LoggerMessage(EventId = EventIds.ShadowCancelled, Level = LogLevel.Debug,
        Message = "Request {RequestId}: shadow call to {ShadowModel} cancelled, the router is stopping; nothing recorded")]
    public static partial void ShadowCancelled(this ILogger logger, Guid requestId, string shadowModel);

    [LoggerMessage(EventId = EventIds.ShadowFaulted, Level = LogLevel.Error,
        Message = "Request {RequestId}: the shadow call to {ShadowModel} threw; nothing recorded, the client was not concerned")]
    public static partial void ShadowFaulted(this ILogger logger, Guid requestId, string shadowModel, Exception exception);
}
