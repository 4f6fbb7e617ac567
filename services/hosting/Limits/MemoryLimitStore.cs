namespace AiMesh.Hosting.Limits;

/// <summary>
/// Counters in this process. One lock over a decision's check-then-charge keeps it all-or-nothing; a decision is a
/// few dictionary lookups, so the lock is held for well under a microsecond. Windows that ended and slots whose hold
/// expired are swept at most once a second, so memory follows the keys active in the last window, not all ever seen.
/// </summary>
public sealed class MemoryLimitStore : ILimitStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<Guid, long>> holders = new(StringComparer.Ordinal);
    private long nextSweepMs;

    public Task<LimitCharge> ChargeAsync(IReadOnlyList<LimitCounter> counters, Guid requestId, long nowMs, long holdUntilMs, CancellationToken cancellationToken) =>
        Task.FromResult(Charge(counters, requestId, nowMs, holdUntilMs));

    public LimitCharge Charge(IReadOnlyList<LimitCounter> counters, Guid requestId, long nowMs, long holdUntilMs)
    {
        var counts = new long[counters.Count];
        lock (gate)
        {
            Sweep(nowMs);
            for (var i = 0; i < counters.Count; i++)
            {
                var counter = counters[i];
                var used = counter.IsConcurrency ? Held(counter.Key, nowMs) : Count(counter.WindowKey(nowMs));
                counts[i] = used;
                if (used + counter.Amount > counter.Limit)
                {
                    return new LimitCharge(i, counts);
                }
            }

            for (var i = 0; i < counters.Count; i++)
            {
                var counter = counters[i];
                if (counter.IsConcurrency)
                {
                    if (!holders.TryGetValue(counter.Key, out var held))
                    {
                        holders[counter.Key] = held = [];
                    }

                    held[requestId] = holdUntilMs;
                    counts[i] = held.Count;
                }
                else
                {
                    var key = counter.WindowKey(nowMs);
                    var end = counter.WindowStart(nowMs) + counter.WindowMs;
                    var window = windows.TryGetValue(key, out var w) ? w with { Count = w.Count + counter.Amount } : new Window(counter.Amount, end);
                    windows[key] = window;
                    counts[i] = window.Count;
                }
            }
        }

        return new LimitCharge(-1, counts);
    }

    public Task SettleAsync(IReadOnlyList<string> slots, IReadOnlyList<string> tokenWindows, long tokenDelta, Guid requestId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            foreach (var key in slots)
            {
                if (holders.TryGetValue(key, out var held))
                {
                    held.Remove(requestId);
                }
            }

            // A window that already ended is gone: the correction has nothing left to correct.
            foreach (var key in tokenWindows)
            {
                if (windows.TryGetValue(key, out var window))
                {
                    windows[key] = window with { Count = Math.Max(0, window.Count + tokenDelta) };
                }
            }
        }

        return Task.CompletedTask;
    }

    private long Count(string windowKey) => windows.TryGetValue(windowKey, out var window) ? window.Count : 0;

    private long Held(string key, long nowMs)
    {
        if (!holders.TryGetValue(key, out var held))
        {
            return 0;
        }

        foreach (var (request, until) in held)
        {
            if (until <= nowMs)
            {
                held.Remove(request);
            }
        }

        return held.Count;
    }

    private void Sweep(long nowMs)
    {
        if (nowMs < nextSweepMs)
        {
            return;
        }

        nextSweepMs = nowMs + 1000;
        foreach (var (key, window) in windows)
        {
            if (window.EndMs <= nowMs)
            {
                windows.Remove(key);
            }
        }

        foreach (var (key, held) in holders)
        {
            if (Held(key, nowMs) == 0)
            {
                holders.Remove(key);
            }
        }
    }

    private readonly record struct Window(long Count, long EndMs);
}
