namespace AiMesh.Ingress;

/// <summary>Ingress log messages. Event ids 1000–1099; chain runs 1100–1109. Ids and numbers only: never bodies, prompts or credentials.</summary>
internal static partial class IngressLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Request {RequestId} submitted: {Api}, stream={Stream}")]
    public static partial void Submitted(ILogger logger, Guid requestId, string api, bool stream);

    [LoggerMessage(1002, LogLevel.Warning, "Request {RequestId}: the bus did not take the message in time")]
    public static partial void SubmitTimedOut(ILogger logger, Guid requestId);

    [LoggerMessage(1003, LogLevel.Information, "Request {RequestId}: client went away; cancelling")]
    public static partial void ClientLeft(ILogger logger, Guid requestId);

    [LoggerMessage(1004, LogLevel.Error, "Request {RequestId}: stream chunks missing after the answer; ending with an error")]
    public static partial void StreamIncomplete(ILogger logger, Guid requestId);

    [LoggerMessage(1006, LogLevel.Debug, "Request {RequestId}: refused with 503, the bus is unavailable")]
    public static partial void BusUnhealthy(ILogger logger, Guid requestId);

    [LoggerMessage(1007, LogLevel.Warning, "Request {RequestId}: no answer can come ({Reason}); ending the exchange")]
    public static partial void ExchangeGaveUp(ILogger logger, Guid requestId, string reason);

    [LoggerMessage(1005, LogLevel.Error, "A scheduled {MessageType} could not be sent")]
    public static partial void ScheduledSendFailed(ILogger logger, string messageType, Exception exception);

    [LoggerMessage(1008, LogLevel.Debug, "The saga did not take a {MessageType}")]
    public static partial void DeliveryFailed(ILogger logger, string messageType, Exception exception);

    [LoggerMessage(1009, LogLevel.Warning, "The saga failed a {MessageType} for a reason other than the bus")]
    public static partial void TransitionFailed(ILogger logger, string messageType, Exception exception);

    [LoggerMessage(1050, LogLevel.Warning, "A stream channel request from {Remote} was refused: no valid token ({Suppressed} more refused since the last such line)")]
    public static partial void StreamChannelUnauthorized(ILogger logger, string remote, long suppressed);

    [LoggerMessage(1051, LogLevel.Warning, "Request {RequestId}: the stream channel sent bytes that are not chunk frames")]
    public static partial void StreamChannelInvalid(ILogger logger, Guid requestId);

    [LoggerMessage(1052, LogLevel.Information, "Request {RequestId}: the stream channel closed before its end")]
    public static partial void StreamChannelBroken(ILogger logger, Guid requestId);

    [LoggerMessage(1063, LogLevel.Warning, "Request {RequestId} turned away: {Pending} usage records are waiting for metering")]
    public static partial void UsageBacklogged(ILogger logger, Guid requestId, int pending);

    [LoggerMessage(1064, LogLevel.Debug, "The router's model catalog could not be read ({Failure}); metric labels keep the models held")]
    public static partial void ModelCatalogUnavailable(ILogger logger, string failure);

    [LoggerMessage(1070, LogLevel.Warning, "Admin {Method}: the admin service is not reachable")]
    public static partial void AdminUpstreamFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(1071, LogLevel.Warning, "Admin {Method}: the admin service did not answer in time")]
    public static partial void AdminUpstreamTimedOut(ILogger logger, string method);

    [LoggerMessage(1072, LogLevel.Error, "Request {RequestId}: its logged bodies could not be prepared ({ExceptionType}); its usage is recorded without them")]
    public static partial void BodiesNotLogged(ILogger logger, Guid requestId, string exceptionType);

    [LoggerMessage(1090, LogLevel.Debug, "Prompt APIs loaded: {Count}")]
    public static partial void PromptApisLoaded(ILogger logger, int count);

    [LoggerMessage(1091, LogLevel.Warning, "The published prompt APIs could not be listed ({Error}); the last list stays served")]
    public static partial void PromptApisNotLoaded(ILogger logger, string error);

    [LoggerMessage(1092, LogLevel.Warning, "Prompt API {Name}: its output schema cannot be read; its output is checked as JSON only ({Error})")]
    public static partial void PromptApiSchemaUnreadable(ILogger logger, string name, string error);

    [LoggerMessage(1110, LogLevel.Debug, "Feedback {FeedbackId} on request {RequestId} kept (replaced an earlier score: {Replaced})")]
    public static partial void FeedbackPosted(ILogger logger, Guid feedbackId, Guid requestId, bool replaced);

    [LoggerMessage(1111, LogLevel.Warning, "Feedback {FeedbackId}: policy or metering did not answer in time")]
    public static partial void FeedbackUnanswered(ILogger logger, Guid feedbackId);

    [LoggerMessage(1100, LogLevel.Debug, "Chain run {RunId}: chain {Chain} started, {Steps} steps")]
    public static partial void ChainStarted(ILogger logger, Guid runId, string chain, int steps);

    [LoggerMessage(1101, LogLevel.Information, "Chain run {RunId}: chain {Chain} step {Index} ({Step}, request {RequestId}) failed with {Status} {Code}; later steps not run")]
    public static partial void ChainStepFailed(ILogger logger, Guid runId, string chain, int index, string step, Guid requestId, int status, string code);

    [LoggerMessage(1102, LogLevel.Debug, "Chain run {RunId}: chain {Chain} completed, {Steps} steps")]
    public static partial void ChainCompleted(ILogger logger, Guid runId, string chain, int steps);

    [LoggerMessage(1103, LogLevel.Warning, "Chain run {RunId}: the answer of step request {RequestId} did not reach the run ({Code}); its client gets 504 at the deadline")]
    public static partial void ChainStepAnswerLost(ILogger logger, Guid runId, Guid requestId, string code);

    [LoggerMessage(1104, LogLevel.Error, "Chain run {RunId}: handing a message between its saga and a step's failed")]
    public static partial void ChainDeliveryFailed(ILogger logger, Guid runId, Exception exception);
}
