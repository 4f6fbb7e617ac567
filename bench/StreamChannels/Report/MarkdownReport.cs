using System.Globalization;

namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>The report as docs/benchmarks.md quotes it.</summary>
internal static class MarkdownReport
{
    public static void Write(TextWriter output, BenchReport report)
    {
        var s = report.Settings;
        var m = report.Machine;
        output.WriteLine(Invariant($"Stream channels, run {report.Stamp}: {s.Rounds} rounds (medians), {s.ChunksPerStream} chunks per stream (mean {s.MeanChunkBytes:0} bytes of chunk JSON); paced: {s.PacedStreams} streams, a chunk at least {s.PaceMs:0.#} ms after the previous; back-to-back: streams for {s.BackToBackSeconds:0.#} s, each send awaited."));
        output.WriteLine(Invariant($"Machine: {m.Cores} cores, kernel {m.Kernel}, {m.Runtime}, MassTransit {m.MassTransit}, RabbitMQ {m.Broker ?? "?"}; load average {m.LoadBefore} before, {m.LoadAfter} after. Clock check: {report.Clock.Outside} of {report.Clock.Samples} readings outside the bracket."));
        output.WriteLine();
        output.WriteLine("| channel | paced p50 (ms) | paced p99 (ms) | paced p99 by arrival (ms) | added gap p99 (ms) | back-to-back chunks/s | CPU per chunk, back-to-back (µs) | CPU per chunk, paced (µs) | bytes per chunk, producer sent / consumer received | lost / out of order |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in report.Summary)
        {
            var p = c.Paced;
            var b = c.BackToBack;
            output.WriteLine(Invariant(
                $"| {c.Channel} | {p.LatencyP50Ms:0.000} | {p.LatencyP99Ms:0.000} | {p.ArrivalP99Ms:0.000} | {p.AddedGapP99Ms:0.000} | {b.ChunksPerSecond:#,0} | {Cpu(b)} | {Cpu(p)} | {b.ProducerSentPerChunk:#,0} / {b.ConsumerReceivedPerChunk:#,0} | {p.Lost + b.Lost} / {p.OutOfOrder + b.OutOfOrder} |"));
        }
    }

    private static string Cpu(PhaseResult phase) =>
        Invariant($"{phase.TotalCpuUs:#,0.0} (producer {phase.ProducerCpuUs:#,0.0}, consumer {phase.ConsumerCpuUs:#,0.0}, broker {phase.BrokerCpuUs:#,0.0})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
