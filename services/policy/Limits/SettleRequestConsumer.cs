using AiMesh.Contracts.Policy;
using MassTransit;

namespace AiMesh.Policy.Limits;

/// <summary>
/// Gives back an ended request's concurrency slots and corrects its token windows (<see cref="SettleRequest"/>). A store
/// that cannot be reached is logged, not retried into a loop: the slots come back when their hold expires, and a token
/// window that missed its correction keeps the estimate, which only ever errs high.
/// </summary>
internal sealed class SettleRequestConsumer(RateLimiter limits, ILogger<SettleRequestConsumer> logger) : IConsumer<SettleRequest>
{
    public async Task Consume(ConsumeContext<SettleRequest> context)
    {
        try
        {
            await limits.SettleAsync(context.Message, context.CancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            PolicyLog.SettleFailed(logger, context.Message.RequestId, ex.GetType().Name);
        }
    }
}
