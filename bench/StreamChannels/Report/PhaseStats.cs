using AiMesh.Bench.StreamChannels.Wire;

namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>Turns a phase's receipt and the processes' usage into its numbers; and a channel's rounds into medians.</summary>
internal static class PhaseStats
{
    public static PhaseResult Summarize(PhaseReceipt phase, int streams, int chunksPerStream, ProcessUsage usage, long ticksPerSecond)
    {
        // Latency as the client would see it: the ingress's relay hands chunks out strictly in sequence, so a chunk
        // that overtook its predecessor waits for it. Arrival latency (each chunk on its own) is kept beside it.
        var latencies = new List<double>();
        var arrivals = new List<double>();
        var gaps = new List<double>();
        foreach (var stream in phase.Detail ?? [])
        {
            double? previous = null;
            long released = 0;
            for (var i = 0; i < stream.Received.Length; i++)
            {
                if (stream.Received[i] == 0)
                {
                    previous = null;
                    continue;
                }

                released = Math.Max(released, stream.Received[i]);
                arrivals.Add(Ms(stream.Received[i] - stream.Sent[i], ticksPerSecond));
                var latency = Ms(released - stream.Sent[i], ticksPerSecond);
                latencies.Add(latency);
                if (previous is { } before)
                {
                    gaps.Add(latency - before);
                }

                previous = latency;
            }
        }

        arrivals.Sort();
        latencies.Sort();
        gaps.Sort();
        var sent = streams * chunksPerStream;
        double PerChunk(double value) => sent == 0 ? 0 : value / sent;
        var span = phase.LastReceived - phase.FirstSent;
        return new PhaseResult(
            streams,
            sent,
            sent - phase.Arrived,
            phase.OutOfOrder,
            phase.Unexpected,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            Percentile(arrivals, 0.99),
            latencies.Count == 0 ? double.NaN : latencies[^1],
            Percentile(gaps, 0.99),
            span <= 0 ? 0 : phase.Arrived / ((double)span / ticksPerSecond),
            PerChunk(usage.Producer * 1e6),
            PerChunk(usage.Consumer * 1e6),
            PerChunk(usage.Broker * 1e6),
            PerChunk(usage.ProducerSent),
            PerChunk(usage.ConsumerReceived));
    }

    /// <summary>Each number's median over rounds, separately; streams, chunks, lost, out-of-order and unexpected chunks are summed.</summary>
    public static PhaseResult Median(IReadOnlyList<PhaseResult> rounds) => new(
        rounds.Sum(r => r.Streams),
        rounds.Sum(r => r.Chunks),
        rounds.Sum(r => r.Lost),
        rounds.Sum(r => r.OutOfOrder),
        rounds.Sum(r => r.Unexpected),
        Median(rounds, r => r.LatencyP50Ms),
        Median(rounds, r => r.LatencyP99Ms),
        Median(rounds, r => r.ArrivalP99Ms),
        Median(rounds, r => r.LatencyMaxMs),
        Median(rounds, r => r.AddedGapP99Ms),
        Median(rounds, r => r.ChunksPerSecond),
        Median(rounds, r => r.ProducerCpuUs),
        Median(rounds, r => r.ConsumerCpuUs),
        Median(rounds, r => r.BrokerCpuUs),
        Median(rounds, r => r.ProducerSentPerChunk),
        Median(rounds, r => r.ConsumerReceivedPerChunk));

    private static double Median(IReadOnlyList<PhaseResult> rounds, Func<PhaseResult, double> value)
    {
        var sorted = rounds.Select(value).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Nearest rank on sorted values.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Ms(long ticks, long ticksPerSecond) => ticks * 1_000.0 / ticksPerSecond;
}
