namespace AiMesh.Contracts.Metering;

/// <summary>
/// Usage of one dimension value in one period (<see cref="PeriodStart"/>: the hour or UTC day; null for a total).
/// <see cref="Currency"/> is null for the requests whose cost is unknown (then <see cref="Cost"/> is 0); a value
/// with requests in two currencies has a row for each. <see cref="Cost"/> is exact to a billionth of the currency.
/// The latency quantiles are estimated from a histogram with doubling buckets (≤ 25 ms … ≤ 102.4 s): the true value
/// lies in the same bucket as the estimate, so it is within a factor of 2 above 25 ms and within 25 ms below; past
/// 102.4 s the estimate is 102 400, a lower bound. Null when the row counts no request.
/// </summary>
public sealed record UsageReportRow(
    string Value,
    DateTimeOffset? PeriodStart,
    string? Currency,
    long Requests,
    long Errors,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long ReasoningTokens,
    decimal Cost,
    double? LatencyP50Ms,
    double? LatencyP95Ms);
