namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for one request's stored usage event and, when they were kept, its bodies; answered by
/// <see cref="UsageRecordFound"/> (queue <c>aimesh-metering-queries</c>). The asker decides whether the caller may see it.
/// </summary>
/// <param name="UsageRequestId">The request whose usage is wanted (<see cref="RecordUsage.RequestId"/>).</param>
[TransientMessage]
public sealed record FindUsageRecord(Guid RequestId, Guid UsageRequestId);
