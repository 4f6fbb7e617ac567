namespace AiMesh.Contracts.Metering;

/// <summary>
/// The answer to <see cref="FindUsageRecord"/>: the stored event as a <see cref="RecordUsage"/> (its
/// <see cref="RecordUsage.Bodies"/> the stored bodies, null when none were kept or retention removed them), or null
/// when metering holds no event for the request.
/// </summary>
/// <param name="RecordedAt">When metering stored the event.</param>
/// <param name="BodiesStoredAt">When the bodies were stored; null without bodies.</param>
[TransientMessage]
public sealed record UsageRecordFound(Guid RequestId, RecordUsage? Record, DateTimeOffset? RecordedAt = null, DateTimeOffset? BodiesStoredAt = null);
