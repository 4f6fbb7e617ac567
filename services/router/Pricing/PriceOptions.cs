namespace AiMesh.Router.Pricing;

/// <summary>
/// A deployment's own prices (its <c>Price</c> block), in the table's currency and units (per million tokens; per
/// request and per image per unit). Each member given replaces the table's for this deployment; the others stay the
/// table's. A deployment whose model the table lacks must give at least <see cref="Input"/> and <see cref="Output"/>.
/// </summary>
internal sealed class PriceOptions
{
    public decimal? Input { get; set; }

    public decimal? Output { get; set; }

    public decimal? CachedInput { get; set; }

    public decimal? CacheWrite { get; set; }

    public decimal? Reasoning { get; set; }

    public decimal? PerRequest { get; set; }

    public decimal? PerImage { get; set; }

    /// <summary>Named in the cost's price table version; default <c>{table version}+{deployment name}</c>.</summary>
    public string? Version { get; set; }
}
