namespace AiMesh.Policy.Budgets;

/// <summary>
/// Each budget period's spend (as last read from or written to the store) and the reservations of requests in flight,
/// in this process. One lock makes a decision's check-then-reserve all-or-nothing over its budgets, so concurrent
/// requests can never all take the last of a budget. A reservation whose hold passed is charged to the spend in full
/// and handed back to the caller to write down: its request's cost will never be reported, and a budget errs on its
/// own side.
/// </summary>
internal sealed class BudgetReservations
{
    private static readonly long SweepEveryMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long nextSweepMs;

    public bool IsLoaded(string key)
    {
        lock (gate)
        {
            return entries.TryGetValue(key, out var entry) && entry.Loaded;
        }
    }

    /// <summary>The store's spend for the period; never lowers what this process already counted.</summary>
    public void Load(string key, decimal spent)
    {
        lock (gate)
        {
            var entry = EntryOf(key);
            entry.Spent = Math.Max(entry.Spent, spent);
            entry.Loaded = true;
        }
    }

    /// <summary>
    /// Reserves <paramref name="cost"/> in every budget, or in none when one with a limit has no room for it: answers
    /// the index of that budget, or -1. Expired reservations found on the way are added to <paramref name="expired"/>.
    /// </summary>
    public int Reserve(IReadOnlyList<(string Key, decimal? Limit)> budgets, Guid requestId, decimal cost, long nowMs, long holdUntilMs, List<(string Key, decimal Amount)> expired)
    {
        lock (gate)
        {
            Sweep(nowMs);
            for (var i = 0; i < budgets.Count; i++)
            {
                var entry = EntryOf(budgets[i].Key);
                Expire(budgets[i].Key, entry, nowMs, expired);
                if (budgets[i].Limit is { } limit && entry.Spent + entry.Reserved + cost > limit)
                {
                    return i;
                }
            }

            foreach (var (key, _) in budgets)
            {
                var entry = entries[key];
                entry.Held[requestId] = (cost, holdUntilMs);
                entry.Reserved += cost;
            }
        }

        return -1;
    }

    /// <summary>Drops the request's reservations without charging anything (it was refused by something else).</summary>
    public void Release(IEnumerable<string> keys, Guid requestId)
    {
        lock (gate)
        {
            foreach (var key in keys)
            {
                if (entries.TryGetValue(key, out var entry) && entry.Held.Remove(requestId, out var held))
                {
                    entry.Reserved -= held.Amount;
                }
            }
        }
    }

    /// <summary>The request ended and its cost is in the store, whose new total is <paramref name="total"/>: its reservation goes.</summary>
    public void Settled(string key, Guid requestId, decimal cost, decimal total)
    {
        lock (gate)
        {
            var entry = EntryOf(key);
            if (entry.Held.Remove(requestId, out var held))
            {
                entry.Reserved -= held.Amount;
            }

            // The store's total includes other replicas' settles; this process's count may be ahead of a total read earlier.
            entry.Spent = Math.Max(entry.Spent + cost, total);
        }
    }

    public (decimal Spent, decimal Reserved) Standing(string key)
    {
        lock (gate)
        {
            return entries.TryGetValue(key, out var entry) ? (entry.Spent, entry.Reserved) : (0, 0);
        }
    }

    /// <summary>The number of budget periods this process keeps counts for.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>
    /// At most once a minute, forgets periods kept past <see cref="BudgetPeriods.KeepUntil"/> with nothing reserved in
    /// them: without it every day's (and every key's) counts would stay in memory for the life of the process.
    /// </summary>
    private void Sweep(long nowMs)
    {
        if (nowMs < nextSweepMs)
        {
            return;
        }

        nextSweepMs = nowMs + SweepEveryMs;
        List<string>? ended = null;
        foreach (var (key, entry) in entries)
        {
            if (entry.Held.Count == 0 && BudgetPeriods.KeepUntil(key[(key.LastIndexOf('|') + 1)..]) is { } keep && keep.ToUnixTimeMilliseconds() <= nowMs)
            {
                (ended ??= []).Add(key);
            }
        }

        foreach (var key in ended ?? [])
        {
            entries.Remove(key);
        }
    }

    private Entry EntryOf(string key)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            entries[key] = entry = new Entry();
        }

        return entry;
    }

    private static void Expire(string key, Entry entry, long nowMs, List<(string Key, decimal Amount)> expired)
    {
        foreach (var (request, (amount, until)) in entry.Held)
        {
            if (until <= nowMs)
            {
                entry.Held.Remove(request);
                entry.Reserved -= amount;
                entry.Spent += amount;
                expired.Add((key, amount));
            }
        }
    }

    private sealed class Entry
    {
        public decimal Spent { get; set; }

        public decimal Reserved { get; set; }

        public bool Loaded { get; set; }

        public Dictionary<Guid, (decimal Amount, long UntilMs)> Held { get; } = [];
    }
}
