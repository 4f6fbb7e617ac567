namespace AiMesh.Router.Pricing;

/// <summary>
/// One model's prices, in its table's currency: token prices per million tokens, <see cref="PerRequest"/> and
/// <see cref="PerImage"/> per unit. Null members are not billed apart (see each).
/// </summary>
/// <param name="CachedInput">Cache reads; null: billed at <paramref name="Input"/>.</param>
/// <param name="CacheWrite">Tokens written to the prompt cache; null: billed at <paramref name="Input"/>.</param>
/// <param name="Reasoning">Reasoning tokens (part of the output count); null: billed as output.</param>
/// <param name="PerRequest">A fixed charge for each billed call.</param>
/// <param name="PerImage">A charge for each image in the request.</param>
/// <param name="Source">The provider's pricing page the prices were read from.</param>
/// <param name="Date">When they were read.</param>
internal sealed record ModelPrice(
    decimal Input,
    decimal Output,
    decimal? CachedInput = null,
    decimal? CacheWrite = null,
    decimal? Reasoning = null,
    decimal? PerRequest = null,
    decimal? PerImage = null,
    string? Source = null,
    string? Date = null);
