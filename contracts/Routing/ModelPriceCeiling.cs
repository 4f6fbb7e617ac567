namespace AiMesh.Contracts.Routing;

/// <summary>The highest input and output token prices any deployment of a public model charges, per million tokens.</summary>
/// <param name="Currency">The price table's currency, e.g. <c>USD</c>.</param>
public sealed record ModelPriceCeiling(decimal InputPerMillion, decimal OutputPerMillion, string Currency);
