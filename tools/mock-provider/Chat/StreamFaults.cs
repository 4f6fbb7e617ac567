using AiMesh.MockProvider.Http;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Chat;

/// <summary>
/// Where the scenario's stream faults fall in one stream, counted in content chunks (a fault past the end falls just
/// before the finish, so <c>cutAfter=99</c> always cuts), and injecting them: the same for every wire format, which
/// only decides how its in-stream error event is written.
/// </summary>
internal sealed class StreamFaults(int cutAt, int stallAt, int errorAt)
{
    public static StreamFaults For(Scenario scenario, int contentChunks) => new(
        scenario.CutAfter is { } cut ? Math.Min(cut, contentChunks) : -1,
        scenario.StallAfter is { } stall ? Math.Min(stall, contentChunks) : -1,
        scenario.ErrorAfter is { } failAt ? Math.Min(failAt, contentChunks) : -1);

    /// <summary>Stalls, cuts (true) or ends with the provider's error event (true) once <paramref name="sent"/> content chunks are out.</summary>
    /// <param name="writeError">Writes the provider's error event for the scenario's <c>errorStatus</c>; null for a format without one.</param>
    public async Task<bool> InjectAsync(MockExchange exchange, SseWriter sse, int sent, Action<SseWriter, int?>? writeError = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (sent == stallAt)
        {
            await exchange.StallAsync();
        }

        if (sent == cutAt)
        {
            exchange.Abort();
            return true;
        }

        if (sent == errorAt && writeError is not null)
        {
            writeError(sse, exchange.Scenario.ErrorStatus);
            await exchange.FlushAsync();
            exchange.MarkCompleted();
            return true;
        }

        return false;
    }
}
