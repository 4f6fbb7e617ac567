using AiMesh.Metering.Projections;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// A latency quantile estimated from a rollup's histogram: the bucket where the cumulative count reaches the quantile,
/// interpolated linearly between its bounds (0 to 25 ms for the first). The true quantile lies in the same bucket, so
/// the estimate is within a factor of 2 of it above 25 ms, within 25 ms below; in the +Inf bucket it is 102 400 ms, a
/// lower bound.
/// </summary>
internal static class LatencyQuantiles
{
    /// <param name="buckets">The counts of the latency buckets, in <see cref="RollupCounters.LatencyBoundsMs"/> order then +Inf.</param>
    /// <returns>Null when the histogram is empty.</returns>
    public static double? Estimate(ReadOnlySpan<long> buckets, double quantile)
    {
        long total = 0;
        foreach (var count in buckets)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long below = 0;
        var bounds = RollupCounters.LatencyBoundsMs;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] > 0 && below + buckets[i] >= rank)
            {
                if (i == bounds.Count)
                {
                    return bounds[^1];
                }

                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + ((bounds[i] - lower) * Math.Clamp((rank - below) / buckets[i], 0, 1));
            }

            below += buckets[i];
        }

        return bounds[^1];
    }
}
