using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AiMesh.MockProvider.Scenarios;

/// <summary>Counts requests per spec string for <c>statusCount</c> (the first N fail, later ones succeed) and <c>statusEvery</c> (one in N fails).</summary>
internal sealed class StatusCounters
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _counts = new(StringComparer.Ordinal);

    /// <summary>Whether this request should get the scenario's error status.</summary>
    public bool ShouldFail(Scenario scenario)
    {
        if (scenario.Status is null)
        {
            return false;
        }

        if (scenario.StatusCount is null && scenario.StatusEvery is null)
        {
            return true;
        }

        var box = _counts.GetOrAdd(scenario.CounterKey ?? "", static _ => new StrongBox<int>());
        var number = Interlocked.Increment(ref box.Value);
        return scenario.StatusEvery is { } every ? (number - 1) % every == 0 : number <= scenario.StatusCount;
    }

    public void Reset() => _counts.Clear();
}
