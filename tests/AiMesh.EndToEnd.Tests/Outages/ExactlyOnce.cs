using AiMesh.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Promise 2 as the outage tests check it: every request the load saw answered 200 has exactly one row in
/// <c>usage_events</c>, an admitted request answered with an error at most one, and no request has two.
/// </summary>
internal static class ExactlyOnce
{
    /// <summary>How long stored usage may take to catch up after an outage: the kill switch alone pauses 30 s.</summary>
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(120);

    public static async Task AssertAsync(OutageMesh mesh, IReadOnlyList<SteadyLoad.Call> calls, ITestOutputHelper output)
    {
        foreach (var group in calls.GroupBy(c => (c.Phase, c.Status)))
        {
            output.WriteLine($"{group.Key.Phase}: {group.Count()} × {group.Key.Status}");
        }

        // The outage is metering's alone: clients notice nothing. A 503 (a send slower than SubmitTimeout on a loaded
        // machine) is tolerated and named; a hang, a 5xx of another kind or a 4xx is not.
        Assert.All(calls, c => Assert.True(c.Status is 200 or 503, $"{c.Phase}: {c.Status} {c.Error}"));
        Assert.All(calls.Where(c => c.Status == 200), c => Assert.NotNull(c.RequestId));
        var answered = calls.Where(c => c.Status == 200).Select(c => c.RequestId!.Value).ToHashSet();
        Assert.Equal(calls.Count(c => c.Status == 200), answered.Count);

        using var deadline = new CancellationTokenSource(CatchUp);
        IReadOnlyList<UsageRow> rows;
        while (true)
        {
            rows = await mesh.UsageAsync();
            var stored = rows.Select(r => r.RequestId).ToHashSet();
            if (answered.All(stored.Contains) || deadline.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(500);
        }

        var byRequest = rows.GroupBy(r => r.RequestId).ToDictionary(g => g.Key, g => g.Count());
        var missing = answered.Where(id => !byRequest.ContainsKey(id)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {answered.Count} answered requests have no usage event after {CatchUp.TotalSeconds} s, e.g. {missing.FirstOrDefault()}");
        Assert.All(answered, id => Assert.Equal(1, byRequest[id]));
        Assert.All(calls.Where(c => c.Status == 503 && c.RequestId is not null), c => Assert.InRange(byRequest.GetValueOrDefault(c.RequestId!.Value), 0, 1));
        Assert.DoesNotContain(byRequest, pair => pair.Value > 1);
    }
}
