namespace AiMesh.Hosting.Limits;

/// <summary>
/// The calls a limiter makes to its shared store (Redis), each under one timeout; after
/// <see cref="FailuresBeforeResting"/> failures in a row the store is left alone for a rest, so a dead Redis costs one
/// timeout per rest, not one per request. While it rests, or when a call fails, the caller takes its
/// <see cref="StoreDownChoice"/> for that decision. One guard per store and process: policy's rate limits and budgets
/// share theirs, the router's deployment limits have their own.
/// </summary>
/// <param name="timeout">How long one call may take before the decision falls back.</param>
/// <param name="rest">How long the store is not asked after failures in a row.</param>
/// <param name="resting">Told the failure's exception type and the rest, each time a rest begins (the caller logs it with its own event id).</param>
public sealed class SharedStoreGuard(TimeSpan timeout, TimeSpan rest, TimeProvider time, Action<string, TimeSpan> resting)
{
    /// <summary>Failures in a row after which the store is given a rest.</summary>
    public const int FailuresBeforeResting = 3;

    private long restingUntilMs;
    private int consecutiveFailures;

    /// <summary>Whether the store is resting now: the caller should fall back without asking it.</summary>
    public bool IsResting => time.GetUtcNow().ToUnixTimeMilliseconds() < Volatile.Read(ref restingUntilMs);

    /// <summary>
    /// Runs <paramref name="call"/> against the store unless it rests. A Redis error, a timeout or the guard's own
    /// cancellation is a failure: <c>Succeeded</c> false, counted toward a rest. The caller's cancellation is not
    /// swallowed.
    /// </summary>
    public async Task<(bool Succeeded, T? Value)> TryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (IsResting)
        {
            return (false, default);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync bounds a call that does not watch its token (StackExchange.Redis's script calls take none).
            var value = await call(limit.Token).WaitAsync(limit.Token);
            Volatile.Write(ref consecutiveFailures, 0);
            return (true, value);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Increment(ref consecutiveFailures) >= FailuresBeforeResting)
            {
                // Not reset: after the rest, one more failure starts the next rest at once.
                Volatile.Write(ref restingUntilMs, time.GetUtcNow().ToUnixTimeMilliseconds() + (long)rest.TotalMilliseconds);
                resting(ex.GetType().Name, rest);
            }

            return (false, default);
        }
    }

    /// <summary>This replica's share of <paramref name="limit"/> among <paramref name="replicas"/>, rounded up: what it counts alone while the store is down.</summary>
    public static long ShareOf(long limit, int replicas) => (limit + replicas - 1) / Math.Max(1, replicas);
}
