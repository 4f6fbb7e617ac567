namespace AiMesh.Router.Pricing;

/// <summary>The price table in force: a model's prices by provider and the provider's model name (or an alias of it).</summary>
internal sealed class PriceTable(string version, string currency, IReadOnlyDictionary<(string Provider, string Model), ModelPrice> models)
{
    public string Version { get; } = version;

    /// <summary>ISO 4217 code every price of the table is in.</summary>
    public string Currency { get; } = currency;

    public int Count => models.Count;

    /// <summary>Exact names only: a price found by a prefix could be another model's (<c>gpt-4o</c> is not <c>gpt-4o-mini</c>).</summary>
    public ModelPrice? Find(string provider, string model) => models.GetValueOrDefault((provider, model));
}
