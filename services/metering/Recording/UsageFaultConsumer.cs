using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The alert for a usage message that ended in <c>aimesh-metering_error</c>: its retries ran out or it can never be
/// stored. MassTransit publishes a fault for it; this logs one error line per such message (4030) and counts it
/// (<c>aimesh.metering.usage.faulted</c>), so an operator is told instead of finding the error queue grown. The records
/// themselves wait in the error queue, whole, to be moved back once the cause is fixed (the append is idempotent). The
/// fault queue is durable and shared by metering's replicas, so each fault is alerted once. A batch of the routers'
/// reports (<see cref="RecordRouterReports"/>) that faulted is alerted the same way, its reports counted as records. A
/// batch of shadow results (<see cref="RecordShadowResults"/>) that faulted is logged apart (4063), not counted: it
/// holds no usage.
/// </summary>
internal sealed class UsageFaultConsumer(MeteringMetrics metrics, ILogger<UsageFaultConsumer> logger)
    : IConsumer<Fault<RecordUsage>>, IConsumer<Fault<RecordUsageBatch>>, IConsumer<Fault<RecordRouterReports>>, IConsumer<Fault<RecordShadowResults>>
{
    public const string EndpointName = "aimesh-metering-faults";

    public Task Consume(ConsumeContext<Fault<RecordUsage>> context)
    {
        var fault = context.Message;
        Alert(fault.FaultedMessageId, 1, fault.Message?.RequestId, fault.Exceptions);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<Fault<RecordUsageBatch>> context)
    {
        var fault = context.Message;
        var records = fault.Message?.Records ?? [];
        Alert(fault.FaultedMessageId, records.Count, records.Count > 0 ? records[0]?.RequestId : null, fault.Exceptions);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<Fault<RecordRouterReports>> context)
    {
        var fault = context.Message;
        var reports = fault.Message?.Reports ?? [];
        Alert(fault.FaultedMessageId, reports.Count, reports.Count > 0 ? reports[0]?.RequestId : null, fault.Exceptions);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<Fault<RecordShadowResults>> context)
    {
        var fault = context.Message;
        var results = fault.Message?.Results ?? [];
        var cause = fault.Exceptions is { Length: > 0 } ? fault.Exceptions[0].ExceptionType : "unknown";
        MeteringLog.ShadowResultsFaulted(logger, fault.FaultedMessageId, results.Count, results.Count > 0 ? results[0]?.RequestId : null, cause);
        return Task.CompletedTask;
    }

    private void Alert(Guid? messageId, int records, Guid? firstRequest, ExceptionInfo[]? exceptions)
    {
        var cause = exceptions is { Length: > 0 } ? exceptions[0].ExceptionType : "unknown";
        metrics.Faulted(records);
        MeteringLog.UsageFaulted(logger, messageId, records, firstRequest, cause);
    }
}
