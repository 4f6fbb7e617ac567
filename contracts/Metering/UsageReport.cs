namespace AiMesh.Contracts.Metering;

/// <summary>
/// The answer to <see cref="QueryUsage"/>: one row per value, period and currency, ordered by period then value.
/// <see cref="Error"/> is set (and <see cref="Rows"/> empty) when the query was not one metering can answer.
/// </summary>
[TransientMessage]
public sealed record UsageReport(Guid RequestId, IReadOnlyList<UsageReportRow> Rows, string? Error = null);
