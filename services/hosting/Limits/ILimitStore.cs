namespace AiMesh.Hosting.Limits;

/// <summary>
/// Where counters live. <see cref="ChargeAsync"/> is all-or-nothing: a request refused by one counter uses up
/// nothing in the others, so a client hammering one limit does not drain its other budgets.
/// </summary>
public interface ILimitStore
{
    /// <param name="holdUntilMs">When a concurrency slot taken now is given back if the request never says it ended.</param>
    Task<LimitCharge> ChargeAsync(IReadOnlyList<LimitCounter> counters, Guid requestId, long nowMs, long holdUntilMs, CancellationToken cancellationToken);

    /// <summary>Gives back the request's concurrency slots and corrects token windows by what the request really used.</summary>
    Task SettleAsync(IReadOnlyList<string> slots, IReadOnlyList<string> tokenWindows, long tokenDelta, Guid requestId, CancellationToken cancellationToken);
}
