using System.Diagnostics;
using System.Globalization;
using AiMesh.Bench.StreamChannels.Report;
using MassTransit;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// The rounds: a warm-up of every channel, then per round each channel in turn (the order alternates) runs a paced
/// phase and a back-to-back phase. Within a phase streams follow one another (the next starts when the channel took
/// the previous one's last chunk); the phase ends when the consumer has every chunk of every stream.
/// </summary>
internal sealed class StreamBenchmark(DriverOptions options, ConsumerClient consumer, ProcessMeter meter, ChunkFeed feed, IReadOnlyList<IChunkChannel> channels)
{
    private TimeSpan Pace => TimeSpan.FromMilliseconds(options.PaceMilliseconds);

    public async Task<IReadOnlyList<ChannelRound>> RunAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        // Warm-up in both modes: tiered compilation keeps recompiling hot code for seconds after start (with a short
        // warm-up its thread was the busiest of both processes), and that is not the steady state being measured.
        foreach (var channel in channels)
        {
            await RunPhaseAsync(channel, paced: false, cancellationToken, TimeSpan.FromSeconds(options.WarmupSeconds));
            await RunPhaseAsync(channel, paced: true, cancellationToken);
        }

        var rounds = new List<ChannelRound>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            for (var k = 0; k < channels.Count; k++)
            {
                var channel = channels[(round - 1 + k) % channels.Count];
                var paced = await RunPhaseAsync(channel, paced: true, cancellationToken);
                var burst = await RunPhaseAsync(channel, paced: false, cancellationToken);
                var load = LoadAverage.Read();
                rounds.Add(new ChannelRound(round, channel.Name, paced, burst, load));
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[streams] round {round} {channel.Name}: paced p50 {paced.LatencyP50Ms:0.000} ms p99 {paced.LatencyP99Ms:0.000} ms; back-to-back {burst.ChunksPerSecond:0} chunks/s, {burst.TotalCpuUs:0.0} µs CPU/chunk; load {load}"));
            }
        }

        return rounds;
    }

    /// <summary>
    /// Paced: <see cref="DriverOptions.PacedStreams"/> streams, a pause of one pace between them so no chunk queues
    /// behind the previous stream's last. Back-to-back: streams until <see cref="DriverOptions.BurstSeconds"/> passed.
    /// </summary>
    private async Task<PhaseResult> RunPhaseAsync(IChunkChannel channel, bool paced, CancellationToken cancellationToken, TimeSpan? duration = null)
    {
        var length = duration ?? TimeSpan.FromSeconds(options.BurstSeconds);
        await consumer.OpenPhaseAsync(feed.Count, cancellationToken);
        var start = await meter.StartAsync(cancellationToken);
        var began = Stopwatch.GetTimestamp();
        var streams = 0;
        do
        {
            if (paced && streams > 0)
            {
                await Task.Delay(Pace, cancellationToken);
            }

            await channel.SendAsync(NewId.NextGuid(), feed, paced ? Pace : TimeSpan.Zero, cancellationToken);
            streams++;
        }
        while (paced ? streams < options.PacedStreams : Stopwatch.GetElapsedTime(began) < length);

        var complete = await consumer.WaitPhaseAsync(streams, cancellationToken);
        var used = await meter.StopAsync(start, cancellationToken);
        var receipt = await consumer.CollectPhaseAsync(detail: paced, cancellationToken);
        if (!complete)
        {
            await Console.Error.WriteLineAsync($"[streams] {channel.Name}: not every chunk arrived within a minute ({receipt.Arrived} of {streams * feed.Count}).");
        }

        return PhaseStats.Summarize(receipt, streams, feed.Count, used, Stopwatch.Frequency);
    }
}
