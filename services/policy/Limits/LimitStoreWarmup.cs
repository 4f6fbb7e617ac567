using AiMesh.Hosting.Limits;

namespace AiMesh.Policy.Limits;

/// <summary>
/// Connects to the shared limit store at start, before the first request is consumed, so the first decisions do not
/// pay for the connection (and time out into a fallback while it is made). Never fails the start: a Redis that is down
/// is a fallback the rules chose. Taking the budget store too makes both resolve here, on the one connection they
/// share (<see cref="PolicyRedis"/>), rather than inside the first decisions.
/// </summary>
internal sealed class LimitStoreWarmup(ILimitStore store, Budgets.SharedBudgets budgets, ILogger<LimitStoreWarmup> logger) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is not RedisLimitStore redis)
        {
            return;
        }

        _ = budgets; // resolved by being taken: see the summary

        try
        {
            await redis.WarmUpAsync().WaitAsync(Patience, cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            PolicyLog.LimitStoreUnreachableAtStart(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
