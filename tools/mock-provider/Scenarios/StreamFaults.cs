using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Scenarios;

/// <summary>
/// Where a scenario's stream faults fall in a stream of <c>deltas</c> content events (Anthropic's and Cohere's
/// streams), each clamped to the end of the content so a fault past it still happens, just before the stream's end.
/// </summary>
internal readonly record struct StreamFaults(int CutAt, int StallAt, int ErrorAt)
{
    public static StreamFaults For(Scenario scenario, int deltas) => new(
        scenario.CutAfter is { } cut ? Math.Min(cut, deltas) : -1,
        scenario.StallAfter is { } stall ? Math.Min(stall, deltas) : -1,
        scenario.ErrorAfter is { } failAt ? Math.Min(failAt, deltas) : -1);

    /// <summary>Once <paramref name="sent"/> deltas are out: stalls, cuts the connection (true), or ends the stream with
    /// the provider's error event that <paramref name="writeError"/> writes (true).</summary>
    public async Task<bool> InjectAsync(MockExchange exchange, int sent, Action? writeError = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (sent == StallAt)
        {
            await exchange.StallAsync();
        }

        if (sent == CutAt)
        {
            exchange.Abort();
            return true;
        }

        if (sent == ErrorAt && writeError is not null)
        {
            writeError();
            await exchange.FlushAsync();
            exchange.MarkCompleted();
            return true;
        }

        return false;
    }
}
