namespace AiMesh.Contracts.Metering;

/// <summary>
/// The answer to <see cref="QueryShadowComparison"/>: the rows ordered by model requested, primary model, shadow model
/// and currency (ordinal; no currency first). <see cref="Error"/> is set (and <see cref="Rows"/> empty) when the query
/// was not one metering can answer.
/// </summary>
[TransientMessage]
public sealed record ShadowComparison(Guid RequestId, IReadOnlyList<ShadowComparisonRow> Rows, string? Error = null);
