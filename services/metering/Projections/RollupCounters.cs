namespace AiMesh.Metering.Projections;

/// <summary>
/// The sums kept per rollup row, in <see cref="Columns"/> order. Cost is summed as <c>cost_nanos</c>, whole
/// billionths of its currency in a bigint: SQLite has no exact decimal sum (its SUM of a decimal is a double), and an
/// integer adds exactly on both providers. Each event's cost is rounded to the nano once, half away from zero, so a
/// sum may differ from the sum of the exact <c>usage_events.cost</c> values by at most half a nano per event.
/// Latency is kept as a histogram over fixed, doubling buckets (≤ 25 ms … ≤ 102 400 ms, then +Inf), from which
/// quantiles are estimated at query time.
/// </summary>
internal sealed class RollupCounters
{
    /// <summary>Upper bounds (inclusive, milliseconds) of the latency buckets; one more bucket holds the rest.</summary>
    public static readonly IReadOnlyList<long> LatencyBoundsMs = [25, 50, 100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 102_400];

    public const int Requests = 0;
    public const int Errors = 1;
    public const int InputTokens = 2;
    public const int OutputTokens = 3;
    public const int CachedTokens = 4;
    public const int ReasoningTokens = 5;
    public const int CostNanos = 6;
    public const int FirstLatencyBucket = 7;

    public static readonly IReadOnlyList<string> Columns =
    [
        "requests", "errors", "input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cost_nanos",
        .. LatencyBoundsMs.Select(b => "latency_le_" + b), "latency_inf",
    ];

    public long[] Values { get; } = new long[Columns.Count];

    public static int LatencyBucket(double latencyMs)
    {
        for (var i = 0; i < LatencyBoundsMs.Count; i++)
        {
            if (latencyMs <= LatencyBoundsMs[i])
            {
                return i;
            }
        }

        return LatencyBoundsMs.Count;
    }

    /// <summary>The cost in billionths of its currency, rounded once, half away from zero.</summary>
    public static long Nanos(decimal cost) => (long)Math.Round(cost * 1_000_000_000m, MidpointRounding.AwayFromZero);

    public void Add(RollupCounters other)
    {
        for (var i = 0; i < Values.Length; i++)
        {
            Values[i] += other.Values[i];
        }
    }
}
