namespace AiMesh.Contracts.Policy;

/// <summary>
/// Sent by the saga to policy once an admitted request whose admission carried a <see cref="LimitSettlement"/> has
/// ended, whatever the outcome: its concurrency slots are given back and its token windows corrected from the
/// estimate to <paramref name="UsedTokens"/> (null: the provider reported none; the estimate stands). Lost or late,
/// the slots still come back when their hold expires.
/// </summary>
/// <param name="Cost">Added after v1. The request's cost as the router priced it (<c>RecordUsage.Cost</c>), charged to
/// the budgets named in <see cref="LimitSettlement.Budgets"/> in place of their reservation; null when unknown.</param>
public sealed record SettleRequest(Guid RequestId, LimitSettlement Settlement, long? UsedTokens, Routing.Cost? Cost = null);
