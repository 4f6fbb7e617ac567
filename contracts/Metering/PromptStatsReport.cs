namespace AiMesh.Contracts.Metering;

/// <summary>The answer to <see cref="QueryPromptStats"/>: one row per version, ascending; <paramref name="Error"/> set (and no rows) when the query was refused.</summary>
[TransientMessage]
public sealed record PromptStatsReport(Guid RequestId, string PromptId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<PromptVersionStats> Versions, string? Error = null);
