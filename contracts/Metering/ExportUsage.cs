namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for a team's chargeback lines over [<see cref="From"/>, <see cref="To"/>), answered by
/// <see cref="UsageExport"/> (queue <c>aimesh-metering-queries</c>). Read from the usage events themselves, not the
/// rollups, because a chargeback names the price table versions and sums the exact costs.
/// </summary>
[TransientMessage]
public sealed record ExportUsage(Guid RequestId, string TeamId, DateTimeOffset From, DateTimeOffset To);
