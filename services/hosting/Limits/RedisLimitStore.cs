using StackExchange.Redis;

namespace AiMesh.Hosting.Limits;

/// <summary>
/// Counters in Redis, shared by every replica of a service (policy's limits, the router's deployment limits). A decision is one script, so checking and charging all of a
/// request's counters is atomic on the server: concurrent requests on any number of replicas can never both take the
/// last unit. Rate counters are plain integers that expire a second after their window ends; concurrency slots are a
/// sorted set of request ids scored by when their hold expires, so a request whose end was never reported gives its
/// slot back by itself. Every key carries the hash tag <c>{prefix-limits}</c> (the service's configured prefix): a
/// script may only touch keys of one cluster slot, so on a Redis cluster the limiter lives on one shard (a decision
/// needs them together anyway).
/// </summary>
public sealed class RedisLimitStore(IConnectionMultiplexer redis, string prefix = "aimesh") : ILimitStore
{
    private readonly string keyPrefix = "{" + prefix + "-limits}:";

    // ARGV: n, request id, now, hold-until, then per counter: slot (1) or window (0), limit, amount, window end + 1 s.
    private const string ChargeScript = """
        local n = tonumber(ARGV[1])
        local req = ARGV[2]
        local now = tonumber(ARGV[3])
        local hold = tonumber(ARGV[4])
        local counts = {}
        for i = 1, n do
          local b = 4 + (i - 1) * 4
          local used
          if ARGV[b + 1] == '1' then
            redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
            used = redis.call('ZCARD', KEYS[i])
          else
            used = tonumber(redis.call('GET', KEYS[i]) or '0')
          end
          counts[i] = used
          if used + tonumber(ARGV[b + 3]) > tonumber(ARGV[b + 2]) then
            for j = i + 1, n do counts[j] = 0 end
            table.insert(counts, 1, i - 1)
            return counts
          end
        end
        for i = 1, n do
          local b = 4 + (i - 1) * 4
          if ARGV[b + 1] == '1' then
            redis.call('ZADD', KEYS[i], hold, req)
            local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
            redis.call('PEXPIREAT', KEYS[i], math.floor(tonumber(last[2])))
            counts[i] = redis.call('ZCARD', KEYS[i])
          else
            counts[i] = redis.call('INCRBY', KEYS[i], tonumber(ARGV[b + 3]))
            redis.call('PEXPIREAT', KEYS[i], tonumber(ARGV[b + 4]))
          end
        end
        table.insert(counts, 1, -1)
        return counts
        """;

    // KEYS: slots then token windows; ARGV: number of slots, request id, token delta.
    private const string SettleScript = """
        local slots = tonumber(ARGV[1])
        for i = 1, #KEYS do
          if i <= slots then
            redis.call('ZREM', KEYS[i], ARGV[2])
          elseif redis.call('EXISTS', KEYS[i]) == 1 then
            local left = redis.call('INCRBY', KEYS[i], tonumber(ARGV[3]))
            if left < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
          end
        end
        return 0
        """;

    /// <summary>Loads both scripts into Redis (and so connects): the first decision then runs them by hash.</summary>
    public async Task WarmUpAsync()
    {
        var server = redis.GetDatabase();
        await server.ScriptEvaluateAsync(ChargeScript, [], [0, "", 0, 0]);
        await server.ScriptEvaluateAsync(SettleScript, [], [0, "", 0]);
    }

    public async Task<LimitCharge> ChargeAsync(IReadOnlyList<LimitCounter> counters, Guid requestId, long nowMs, long holdUntilMs, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[counters.Count];
        var values = new RedisValue[4 + (counters.Count * 4)];
        values[0] = counters.Count;
        values[1] = requestId.ToString("N");
        values[2] = nowMs;
        values[3] = holdUntilMs;
        for (var i = 0; i < counters.Count; i++)
        {
            var counter = counters[i];
            var b = 4 + (i * 4);
            keys[i] = keyPrefix + (counter.IsConcurrency ? counter.Key : counter.WindowKey(nowMs));
            values[b] = counter.IsConcurrency ? 1 : 0;
            values[b + 1] = counter.Limit;
            values[b + 2] = counter.Amount;
            values[b + 3] = counter.IsConcurrency ? 0 : counter.WindowStart(nowMs) + counter.WindowMs + 1000;
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ChargeScript, keys, values).WaitAsync(cancellationToken))!;
        var counts = new long[counters.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = (long)result[i + 1];
        }

        return new LimitCharge((int)result[0], counts);
    }

    public Task SettleAsync(IReadOnlyList<string> slots, IReadOnlyList<string> tokenWindows, long tokenDelta, Guid requestId, CancellationToken cancellationToken)
    {
        var keys = slots.Concat(tokenWindows).Select(k => (RedisKey)(keyPrefix + k)).ToArray();
        if (keys.Length == 0)
        {
            return Task.CompletedTask;
        }

        return redis.GetDatabase().ScriptEvaluateAsync(SettleScript, keys, [slots.Count, requestId.ToString("N"), tokenDelta]).WaitAsync(cancellationToken);
    }
}
