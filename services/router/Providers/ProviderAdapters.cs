namespace AiMesh.Router.Providers;

/// <summary>The registered adapters, by the deployment <c>Provider</c> values they serve.</summary>
internal sealed class ProviderAdapters
{
    private readonly Dictionary<string, IProviderAdapter> byProvider = new(StringComparer.OrdinalIgnoreCase);

    public ProviderAdapters(IEnumerable<IProviderAdapter> adapters)
    {
        foreach (var adapter in adapters)
        {
            foreach (var provider in adapter.Providers)
            {
                if (!byProvider.TryAdd(provider, adapter))
                {
                    throw new InvalidOperationException($"Two adapters claim the provider '{provider}'.");
                }
            }
        }
    }

    public IReadOnlyCollection<string> Providers => byProvider.Keys;

    public IProviderAdapter? Find(string provider) => byProvider.GetValueOrDefault(provider);

    public IProviderAdapter Get(string provider) =>
        Find(provider) ?? throw new InvalidOperationException($"No adapter for provider '{provider}'; configuration validation should have refused it.");
}
