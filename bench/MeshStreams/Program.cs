using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.Bench.MeshStreams;

/// <summary>
/// A streaming client for bench/mesh-streams.sh. The mock provider (scenario <c>stamp=1</c>) writes its monotonic clock
/// reading as each chunk's text; this process reads the same clock when the chunk arrives, so the difference is the
/// chunk's latency from the provider's write to the client's read, through whatever sits between.
/// <list type="bullet">
/// <item><c>paced</c>: <c>--streams</c> streams one after another on one connection; per-chunk latency p50/p99/max.</item>
/// <item><c>burst</c>: <c>--connections</c> clients streaming back to back for <c>--seconds</c>; chunks per second.</item>
/// <item><c>translate</c>: the router's decoder and translator alone over one upstream stream fetched from <c>--url</c>;
/// CPU per chunk (see <see cref="TranslationBench"/>).</item>
/// </list>
/// Prints one JSON object on stdout. A stream that does not end in its format's completion counts as an error.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        object result = options.Mode switch
        {
            "paced" => await PacedAsync(http, options),
            "burst" => await BurstAsync(http, options),
            "translate" => await TranslationBench.RunAsync(http, options),
            _ => throw new ArgumentException($"unknown mode {options.Mode} (paced | burst)"),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<object> PacedAsync(HttpClient http, Options options)
    {
        var latencies = new List<double>();
        var firstTokens = new List<double>();
        var errors = 0;
        for (var i = 0; i < options.Streams; i++)
        {
            if (!await StreamAsync(http, options, latencies, firstTokens))
            {
                errors++;
            }
        }

        latencies.Sort();
        firstTokens.Sort();
        return new
        {
            mode = "paced",
            streams = options.Streams,
            chunks = latencies.Count,
            errors,
            p50_ms = Percentile(latencies, 0.50),
            p99_ms = Percentile(latencies, 0.99),
            max_ms = latencies.Count > 0 ? latencies[^1] : (double?)null,
            ttft_p50_ms = Percentile(firstTokens, 0.50),
        };
    }

    private static async Task<object> BurstAsync(HttpClient http, Options options)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        var chunks = 0L;
        var streams = 0L;
        var errors = 0L;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async _ =>
        {
            var seen = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                seen.Clear();
                var ok = await StreamAsync(http, options, seen, null);
                Interlocked.Add(ref chunks, seen.Count);
                Interlocked.Increment(ref ok ? ref streams : ref errors);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new { mode = "burst", connections = options.Connections, seconds, streams, chunks, errors, chunks_per_second = chunks / seconds };
    }

    /// <returns>True when the stream ended complete; each stamped chunk's latency (ms) is added to <paramref name="latencies"/>,
    /// and the time from sending the request to the first content chunk to <paramref name="firstTokens"/>.</returns>
    private static async Task<bool> StreamAsync(HttpClient http, Options options, List<double> latencies, List<double>? firstTokens)
    {
        var sent = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
        {
            Content = new StringContent(options.Body, Encoding.UTF8, "application/json"),
        };
        if (options.Anthropic)
        {
            request.Headers.Add("x-api-key", options.Key);
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            await using var body = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body);
            var complete = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                if (options.Anthropic ? line.Contains("\"type\":\"message_stop\"", StringComparison.Ordinal) : line == "data: [DONE]")
                {
                    complete = true;
                    continue;
                }

                if (Stamp(line, options.Anthropic ? "\"text\":\"" : "\"content\":\"") is { } stamp)
                {
                    if (firstTokens is not null && sent != 0)
                    {
                        firstTokens.Add((now - sent) * 1000.0 / Stopwatch.Frequency);
                        sent = 0;
                    }

                    latencies.Add((now - stamp) * 1000.0 / Stopwatch.Frequency);
                }
            }

            return complete;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static long? Stamp(string line, string member)
    {
        var at = line.IndexOf(member, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + member.Length;
        var end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
        {
            end++;
        }

        return end > start && long.TryParse(line.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var stamp) ? stamp : null;
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
