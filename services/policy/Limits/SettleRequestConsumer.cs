using AiMesh.Contracts.Policy;
using AiMesh.Policy.Budgets;
using MassTransit;

namespace AiMesh.Policy.Limits;

/// <summary>
/// Gives back an ended request's concurrency slots and corrects its token windows (<see cref="SettleRequest"/>). A store
/// that cannot be reached is logged, not retried into a loop: the slots come back when their hold expires, and a token
/// window that missed its correction keeps the estimate, which only ever errs high.
/// <para>
/// Budgets settle first and are not caught: their spend must not be dropped, so a store that fails throws, the
/// definition's retries run, and a settle that still fails ends in the error queue with a fault, never acked unrecorded.
/// </para>
/// </summary>
internal sealed class SettleRequestConsumer(RateLimiter limits, BudgetGuard budgets, ILogger<SettleRequestConsumer> logger) : IConsumer<SettleRequest>
{
    public async Task Consume(ConsumeContext<SettleRequest> context)
    {
        await budgets.SettleAsync(context.Message, context, context.CancellationToken);
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
