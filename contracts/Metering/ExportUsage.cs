namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for a team's chargeback lines over [<see cref="From"/>, <see cref="To"/>), answered by
/// <see cref="UsageExport"/> (queue <c>aimesh-metering-queries</c>). Read from the usage events themselves, not the
/// rollups, because a chargeback names the price table versions and sums the exact costs.
/// </summary>
/// <param name="OrganizationId">Added after v1. When set, the lines are the organization's (every team's and the
/// requests without a team) and <see cref="TeamId"/> is ignored; the asker sends an empty <see cref="TeamId"/> with
/// it, so a metering that predates this member answers with no lines rather than another selection.</param>
[TransientMessage]
public sealed record ExportUsage(Guid RequestId, string TeamId, DateTimeOffset From, DateTimeOffset To, string? OrganizationId = null);
