namespace AiMesh.Contracts.Metering;

/// <summary>The answer to <see cref="ExportUsage"/>: one line per UTC day, team, key and currency, ordered so.</summary>
[TransientMessage]
public sealed record UsageExport(Guid RequestId, IReadOnlyList<UsageExportLine> Lines);
