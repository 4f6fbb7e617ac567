namespace AiMesh.Contracts.Metering;

/// <summary>
/// One prompt version's figures over a period.
/// </summary>
/// <param name="Version">The version as the usage events record it (a number's text, or a configured template's version).</param>
/// <param name="Errors">Requests that ended in an error or timed out; a client's cancel and a truncated answer are not errors.</param>
/// <param name="ErrorRate">Errors over requests (0 to 1).</param>
/// <param name="LatencyP50Ms">The median latency (nearest rank, exact over the period's requests).</param>
/// <param name="LatencyP95Ms">The 95th percentile latency (nearest rank).</param>
/// <param name="Cost">The summed cost per currency (ISO 4217 code); requests without a known cost add nothing.</param>
/// <param name="FeedbackCount">How many of these requests were scored (<see cref="RecordFeedback"/>).</param>
/// <param name="FeedbackMean">Their mean score (-1 to 1); null when none was scored.</param>
public sealed record PromptVersionStats(
    string Version,
    long Requests,
    long Errors,
    double ErrorRate,
    double? LatencyMeanMs,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    long InputTokens,
    long OutputTokens,
    IReadOnlyDictionary<string, decimal> Cost,
    long FeedbackCount,
    double? FeedbackMean);
