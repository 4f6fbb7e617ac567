using StackExchange.Redis;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// Reservations and spend shared by every policy replica in Redis (when <c>Policy:Limits:Store</c> is Redis), one hash
/// per budget period: <c>spent</c> and one <c>r:&lt;request&gt;</c> field per reservation (amount and hold, in
/// billionths). A decision is one script, so checking and reserving all of a request's budgets is atomic across
/// replicas. A hash Redis does not have (first use, or Redis restarted) is seeded with the spend the replica read from
/// the policy store; settles raise it to the store's total, which stays the durable truth. A period's hash expires a
/// day after the period ends (<see cref="BudgetPeriods.KeepUntil"/>); a total budget's never does.
/// </summary>
internal sealed class RedisBudgetReservations(IConnectionMultiplexer redis, string prefix)
{
    private const decimal Nanos = 1_000_000_000m;
    private readonly string keyPrefix = "{" + prefix + "-budgets}:";

    // ARGV: n, request, cost, now, hold-until, then per budget: limit (-1: none), the spend to seed, and when the hash
    // may go (Unix ms; 0: never).
    // Answers the refused index (-1 if none), then pairs of (budget index, amount) of reservations that expired.
    private const string ReserveScript = """
        local n = tonumber(ARGV[1])
        local cost = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local result = {-1}
        local reserved = {}
        for i = 1, n do
          local h = KEYS[i]
          redis.call('HSETNX', h, 'spent', ARGV[6 + (i - 1) * 3 + 1])
          local keep = tonumber(ARGV[6 + (i - 1) * 3 + 2])
          if keep > 0 then
            redis.call('PEXPIREAT', h, keep)
          end
          local all = redis.call('HGETALL', h)
          local held = 0
          for j = 1, #all, 2 do
            if string.sub(all[j], 1, 2) == 'r:' then
              local amount, hold = string.match(all[j + 1], '(%d+):(%d+)')
              if tonumber(hold) <= now then
                redis.call('HDEL', h, all[j])
                redis.call('HINCRBY', h, 'spent', amount)
                table.insert(result, i - 1)
                table.insert(result, tonumber(amount))
              else
                held = held + tonumber(amount)
              end
            end
          end
          local limit = tonumber(ARGV[6 + (i - 1) * 3])
          if limit >= 0 and tonumber(redis.call('HGET', h, 'spent')) + held + cost > limit then
            result[1] = i - 1
            return result
          end
        end
        for i = 1, n do
          redis.call('HSET', KEYS[i], 'r:' .. ARGV[2], ARGV[3] .. ':' .. ARGV[5])
        end
        return result
        """;

    // ARGV: request, the store's total (-1: release only), when the hash may go (Unix ms; 0: never).
    private const string SettleScript = """
        redis.call('HDEL', KEYS[1], 'r:' .. ARGV[1])
        local total = tonumber(ARGV[2])
        if total >= 0 and total > tonumber(redis.call('HGET', KEYS[1], 'spent') or '0') then
          redis.call('HSET', KEYS[1], 'spent', ARGV[2])
        end
        local keep = tonumber(ARGV[3])
        if keep > 0 and redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('PEXPIREAT', KEYS[1], keep)
        end
        return 0
        """;

    public async Task<int> ReserveAsync(
        IReadOnlyList<(string Key, decimal? Limit, decimal Spent)> budgets, Guid requestId, decimal cost, long nowMs, long holdUntilMs, List<(string Key, decimal Amount)> expired)
    {
        var keys = budgets.Select(b => (RedisKey)(keyPrefix + b.Key)).ToArray();
        var values = new List<RedisValue> { budgets.Count, requestId.ToString("N"), ToNanos(cost), nowMs, holdUntilMs };
        foreach (var budget in budgets)
        {
            values.Add(budget.Limit is { } limit ? (RedisValue)ToNanos(limit) : -1);
            values.Add(ToNanos(budget.Spent));
            values.Add(KeepUntilMs(budget.Key));
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, keys, [.. values]))!;
        for (var i = 1; i + 1 < result.Length; i += 2)
        {
            expired.Add((budgets[(int)result[i]].Key, (long)result[i + 1] / Nanos));
        }

        return (int)result[0];
    }

    public Task SettleAsync(string key, Guid requestId, decimal? total) =>
        redis.GetDatabase().ScriptEvaluateAsync(SettleScript, [keyPrefix + key], [requestId.ToString("N"), total is { } t ? ToNanos(t) : -1, KeepUntilMs(key)]);

    /// <summary>The hash's expiry for a budget key (<c>&lt;budget&gt;|&lt;period&gt;</c>), in Unix ms; 0 for a total budget.</summary>
    private static long KeepUntilMs(string key) =>
        BudgetPeriods.KeepUntil(key[(key.LastIndexOf('|') + 1)..])?.ToUnixTimeMilliseconds() ?? 0;

    private static long ToNanos(decimal amount) => (long)Math.Ceiling(amount * Nanos);
}
