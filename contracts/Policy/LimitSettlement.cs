namespace AiMesh.Contracts.Policy;

/// <summary>
/// What policy charged a request that must be settled when it ends (<see cref="SettleRequest"/>): the concurrency
/// slots it holds and the token windows charged with <paramref name="ChargedTokens"/> before the call. The saga hands
/// it back unchanged; its members are counter names (limit, scope and value), never a credential.
/// </summary>
/// <param name="Local">The counters are in the deciding replica's memory (the shared store was down): settled where the
/// message lands, which is that replica only by chance; elsewhere its slots come back when their hold expires.</param>
public sealed record LimitSettlement(
    IReadOnlyList<string> Slots,
    IReadOnlyList<string> TokenWindows,
    long ChargedTokens,
    bool Local = false);
