using System.Diagnostics;
using AiMesh.Bench.StreamChannels.Report;
using AiMesh.Bench.StreamChannels.Wire;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>The driver's side of the consumer's control API. Its requests never share a connection with the direct channel.</summary>
internal sealed class ConsumerClient(HttpClient http)
{
    public async Task<ConsumerInfo> WaitReadyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                var info = await http.GetFromJsonAsync<ConsumerInfo>("info", cancellationToken);
                if (info?.BusAddress is not null)
                {
                    return info;
                }
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
                // Not listening yet.
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                throw new TimeoutException($"The consumer at {http.BaseAddress} had no bus endpoint ready within {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async Task<ConsumerInfo> InfoAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<ConsumerInfo>("info", cancellationToken)
        ?? throw new InvalidDataException("The consumer answered /info with nothing.");

    /// <summary>
    /// Reads the consumer's clock between two readings of ours, many times: if both processes read one monotonic
    /// clock, its reading always falls between ours. A per-process clock (or another time namespace) fails this.
    /// </summary>
    public async Task<ClockCheck> CheckClockAsync(int samples, CancellationToken cancellationToken)
    {
        var outside = 0;
        long widest = 0;
        for (var i = 0; i < samples; i++)
        {
            var before = Stopwatch.GetTimestamp();
            var reading = await http.GetFromJsonAsync<ClockReading>("clock", cancellationToken)
                ?? throw new InvalidDataException("The consumer answered /clock with nothing.");
            var after = Stopwatch.GetTimestamp();
            if (reading.Timestamp < before || reading.Timestamp > after)
            {
                outside++;
            }

            widest = Math.Max(widest, after - before);
        }

        return new ClockCheck(samples, outside, widest * 1_000.0 / Stopwatch.Frequency);
    }

    public async Task OpenPhaseAsync(int chunksPerStream, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsync(new Uri($"phase?chunks={chunksPerStream}", UriKind.Relative), content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>True once <paramref name="streams"/> streams of the phase are complete; false after a minute without.</summary>
    public async Task<bool> WaitPhaseAsync(int streams, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<bool>($"phase/wait?streams={streams}&waitMs=60000", cancellationToken);

    public async Task<PhaseReceipt> CollectPhaseAsync(bool detail, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<PhaseReceipt>($"phase?detail={(detail ? "true" : "false")}", cancellationToken)
        ?? throw new InvalidDataException("The consumer answered nothing for the phase.");
}
