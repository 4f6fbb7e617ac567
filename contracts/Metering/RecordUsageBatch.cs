namespace AiMesh.Contracts.Metering;

/// <summary>
/// The usage records of several ended requests, sent together by one ingress instance: one durable message, and one
/// broker confirm, for every record that ended while the instance's previous batch was on its way. Metering stores
/// each record exactly as if it had come alone as a <see cref="RecordUsage"/>: once per request id, so a redelivered
/// batch never duplicates one. Added in version 2 of the usage path; <see cref="RecordUsage"/> stays accepted.
/// </summary>
public sealed record RecordUsageBatch(IReadOnlyList<RecordUsage> Records);
