namespace AiMesh.Router.Pricing;

/// <summary>
/// <c>Router:Pricing</c>. The price table shipped with the router (<c>Pricing/prices.json</c>, embedded in the
/// assembly) is used unless <see cref="File"/> names another; either is read once at start, never over the network.
/// </summary>
internal sealed class PricingOptions
{
    /// <summary>Path of a price table in the shipped file's format that replaces it whole.</summary>
    public string? File { get; set; }
}
