using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiMesh.Bench.StreamChannels.Report;
using AiMesh.Hosting;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// The producer process, standing for the router: a bus built by AiMesh's MeshBus (as every service's is) and an
/// HttpClient for the direct channel. It checks the shared clock, runs the rounds, prints the table and writes the
/// JSON. Exit code 1 when the clock check fails or a chunk was lost or duplicated.
/// </summary>
internal static class DriverHost
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddOptions<DriverOptions>()
            .Bind(builder.Configuration.GetSection(DriverOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddMeshBus([]);

        using var host = builder.Build();
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<DriverOptions>>().Value;
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        // Written at once, not through the logger's queue, so it is seen even when the process ends right after.
        var stopNotice = stopping.Register(() => Console.Error.WriteLine("[streams] the driver's host is stopping (a signal, or a hosted service failed): the run is cancelled."));
        var stamp = !string.IsNullOrEmpty(options.Stamp) ? options.Stamp : DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var loadBefore = LoadAverage.Read();

        using var control = new HttpClient { BaseAddress = options.Consumer, Timeout = TimeSpan.FromSeconds(90) };
        var consumer = new ConsumerClient(control);
        var info = await consumer.WaitReadyAsync(TimeSpan.FromSeconds(60), stopping);
        if (info.StopwatchFrequency != Stopwatch.Frequency)
        {
            await Console.Error.WriteLineAsync($"The consumer's clock ticks {info.StopwatchFrequency}/s, ours {Stopwatch.Frequency}/s: no shared clock.");
            return 1;
        }

        var clock = await consumer.CheckClockAsync(200, stopping);
        if (clock.Outside > 0)
        {
            await Console.Error.WriteLineAsync($"{clock.Outside} of {clock.Samples} consumer clock readings fell outside ours: the processes do not share a monotonic clock.");
            return 1;
        }

        var feed = new ChunkFeed(options.Chunks);
        var meter = new ProcessMeter(info.ProcessId, options.BrokerUser, options.ClockTicksPerSecond);
        var busEndpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(info.BusAddress!);
        using var directHandler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) };
        using var direct = new HttpClient(directHandler) { BaseAddress = options.Consumer, Timeout = TimeSpan.FromSeconds(90) };
        IChunkChannel[] channels = [new BusChannel(busEndpoint), new DirectChannel(direct)];

        var benchmark = new StreamBenchmark(options, consumer, meter, feed, channels);
        var rounds = await benchmark.RunAsync(Console.Error, stopping);
        var stray = (await consumer.InfoAsync(stopping)).StrayChunks;

        var report = new BenchReport(
            stamp,
            new MachineInfo(
                Environment.ProcessorCount,
                File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
                RuntimeInformation.FrameworkDescription,
                typeof(IBus).Assembly.GetName().Version?.ToString() ?? "?",
                options.BrokerVersion,
                options.Commit,
                loadBefore,
                LoadAverage.Read()),
            new BenchSettings(options.Chunks, feed.MeanBytes, options.Rounds, options.PacedStreams, options.PaceMilliseconds,
                options.BurstSeconds, options.WarmupSeconds, meter.BrokerProcesses),
            clock,
            stray,
            rounds,
            [.. channels.Select(c => new ChannelSummary(
                c.Name,
                PhaseStats.Median([.. rounds.Where(r => r.Channel == c.Name).Select(r => r.Paced)]),
                PhaseStats.Median([.. rounds.Where(r => r.Channel == c.Name).Select(r => r.BackToBack)])))]);

        if (!string.IsNullOrEmpty(options.Results))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Results))!);
            await File.WriteAllTextAsync(options.Results, JsonSerializer.Serialize(report, Json), stopping);
        }

        MarkdownReport.Write(Console.Out, report);
        await stopNotice.DisposeAsync(); // stopping from here on is the end of a finished run
        await host.StopAsync();
        return report.Rounds.Any(r => r.Paced.Lost + r.BackToBack.Lost + r.Paced.Unexpected + r.BackToBack.Unexpected > 0) ? 1 : 0;
    }
}
