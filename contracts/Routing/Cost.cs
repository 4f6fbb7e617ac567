namespace AiMesh.Contracts.Routing;

/// <summary>
/// What a request cost at the price table's prices, computed by the router where the deployment is known
/// (services/router/Pricing). Every attempt the provider bills is in it, failed and abandoned ones included; a call
/// the provider never answered costs 0. Absent (null) where it is unknown: the deployment's model has no price.
/// </summary>
/// <param name="Amount">In <paramref name="Currency"/>, exact (decimal arithmetic), not rounded.</param>
/// <param name="Currency">ISO 4217 code of the price table, e.g. <c>USD</c>.</param>
/// <param name="PriceTableVersion">
/// The table's <c>version</c>; with a deployment's own prices (its <c>Price</c> block), that version plus
/// <c>+</c> and the deployment's name.
/// </param>
/// <param name="Estimated">
/// Some tokens were counted by the router's tokenizer, not reported by the provider (a stream that ended without usage).
/// </param>
public sealed record Cost(decimal Amount, string Currency, string PriceTableVersion, bool Estimated = false);
