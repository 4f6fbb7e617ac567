using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Admission;

/// <summary>The log lines of waiting for capacity (3081–3089): ids, names and numbers only.</summary>
internal static partial class AdmissionLog
{
    // Debug: under a long overload every request would log it; the counters and the trace say the same.
    [LoggerMessage(EventId = EventIds.AdmissionWaiting, Level = LogLevel.Debug,
        Message = "Request {RequestId}: every deployment of {Model} is at capacity; waiting in line with priority {Priority} ({Waiting} waiting)")]
    public static partial void AdmissionWaiting(this ILogger logger, Guid requestId, string model, int priority, int waiting);

    [LoggerMessage(EventId = EventIds.AdmissionAdmitted, Level = LogLevel.Debug,
        Message = "Request {RequestId}: admitted to {Deployment} after waiting {WaitedMs:F0} ms for capacity")]
    public static partial void AdmissionAdmitted(this ILogger logger, Guid requestId, string deployment, double waitedMs);

    [LoggerMessage(EventId = EventIds.AdmissionTimedOut, Level = LogLevel.Information,
        Message = "Request {RequestId}: {Model} had no capacity within {WaitedMs:F0} ms of waiting; answered capacity_wait_timeout")]
    public static partial void AdmissionTimedOut(this ILogger logger, Guid requestId, string model, double waitedMs);

    [LoggerMessage(EventId = EventIds.AdmissionFull, Level = LogLevel.Information,
        Message = "Request {RequestId}: every deployment of {Model} is at capacity and the {Bound} line is full; answered capacity_queue_full")]
    public static partial void AdmissionFull(this ILogger logger, Guid requestId, string model, string bound);

    [LoggerMessage(EventId = EventIds.AdmissionAbandoned, Level = LogLevel.Debug,
        Message = "Request {RequestId}: left the line of {Model} after {WaitedMs:F0} ms (client gone or replica stopping)")]
    public static partial void AdmissionAbandoned(this ILogger logger, Guid requestId, string model, double waitedMs);
}
