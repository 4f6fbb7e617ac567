namespace AiMesh.Contracts.Policy;

/// <summary>
/// What policy charged a request that must be settled when it ends (<see cref="SettleRequest"/>): the concurrency
/// slots it holds and the token windows charged with <paramref name="ChargedTokens"/> before the call. The saga hands
/// it back unchanged; its members are counter names (limit, scope and value), never a credential.
/// </summary>
/// <param name="Local">The counters are in the deciding replica's memory (the shared store was down): settled where the
/// message lands, which is that replica only by chance; elsewhere its slots come back when their hold expires.</param>
/// <param name="Budgets">Added after v1. The budgets (scope, value and period) the request's cost is charged to when it
/// ends; its reservation in each is released then. Names, never a credential.</param>
/// <param name="ReservedCost">Added after v1. The worst-case cost reserved in those budgets at admission.</param>
public sealed record LimitSettlement(
    IReadOnlyList<string> Slots,
    IReadOnlyList<string> TokenWindows,
    long ChargedTokens,
    bool Local = false,
    IReadOnlyList<string>? Budgets = null,
    decimal ReservedCost = 0);
