namespace AiMesh.Policy.Limits;

/// <summary>
/// Connects to the shared limit store at start, before the first request is consumed, so the first decisions do not
/// pay for the connection (and time out into a fallback while it is made). Never fails the start: a Redis that is down
/// is a fallback the rules chose.
/// </summary>
internal sealed class LimitStoreWarmup(ILimitStore store, ILogger<LimitStoreWarmup> logger) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is not RedisLimitStore redis)
        {
            return;
        }

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
