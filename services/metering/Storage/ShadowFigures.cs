namespace AiMesh.Metering.Storage;

/// <summary>The columns of one stored shadow result that a comparison sums (see <see cref="ShadowResultTable"/>).</summary>
internal sealed record ShadowFigures(
    string ModelRequested,
    string PrimaryModel,
    string ShadowModel,
    int PrimaryStatus,
    double PrimaryDurationMs,
    long? PrimaryPromptTokens,
    long? PrimaryCompletionTokens,
    long? PrimaryCostNanos,
    string? PrimaryCurrency,
    int ShadowStatus,
    string? ShadowErrorCode,
    double ShadowDurationMs,
    long? ShadowPromptTokens,
    long? ShadowCompletionTokens,
    long? ShadowCostNanos,
    string? ShadowCurrency,
    double? Similarity)
{
    public bool PrimaryAnswered => PrimaryStatus is >= 200 and < 300;

    public bool ShadowAnswered => ShadowErrorCode is null && ShadowStatus is >= 200 and < 300;

    /// <summary>The row's currency: the primary's, else the shadow's (null when neither cost is known).</summary>
    public string? Currency => PrimaryCostNanos is null ? (ShadowCostNanos is null ? null : ShadowCurrency) : PrimaryCurrency;
}
