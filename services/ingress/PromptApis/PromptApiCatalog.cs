using System.Collections.Frozen;
using AiMesh.Contracts.Prompts;
using NJsonSchema;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// The published prompt APIs this replica serves, by name and by custom path, replaced whole from the prompts service's
/// list (<see cref="PromptApiCatalogRefresher"/>). The ingress never reads the prompts database; until the first list
/// arrives, <see cref="IsLoaded"/> is false and calls get 503 rather than a 404 that would be wrong.
/// </summary>
internal sealed class PromptApiCatalog(ILogger<PromptApiCatalog> logger)
{
    private volatile Snapshot current = Snapshot.Empty;

    public bool IsLoaded => current.Loaded;

    public IReadOnlyCollection<PublishedApi> All => current.ByName.Values;

    public PublishedApi? ByName(string name) => current.ByName.GetValueOrDefault(name);

    public PublishedApi? ByPath(string path) => current.ByPath.GetValueOrDefault(path);

    public async Task ReplaceAsync(IReadOnlyList<PromptApiDetail> apis)
    {
        ArgumentNullException.ThrowIfNull(apis);
        var published = new List<PublishedApi>(apis.Count);
        foreach (var api in apis)
        {
            published.Add(new PublishedApi(api, await OutputSchemaAsync(api)));
        }

        current = new Snapshot(
            true,
            published.ToFrozenDictionary(a => a.Detail.Name, StringComparer.Ordinal),
            published.Where(a => a.Detail.Path is not null).ToFrozenDictionary(a => a.Detail.Path!, StringComparer.Ordinal));
        IngressLog.PromptApisLoaded(logger, published.Count);
    }

    /// <summary>The prompts service refused any schema that does not parse; should one not (a row written by hand), the API checks JSON only, logged.</summary>
    private async Task<JsonSchema?> OutputSchemaAsync(PromptApiDetail api)
    {
        if (api.OutputSchema is not { } text)
        {
            return null;
        }

        try
        {
            return await JsonSchema.FromJsonAsync(text);
        }
#pragma warning disable CA1031 // NJsonSchema's parse errors come in several types; any means the same here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            IngressLog.PromptApiSchemaUnreadable(logger, api.Name, e.GetType().Name);
            return null;
        }
    }

    private sealed record Snapshot(bool Loaded, FrozenDictionary<string, PublishedApi> ByName, FrozenDictionary<string, PublishedApi> ByPath)
    {
        public static readonly Snapshot Empty = new(
            false, FrozenDictionary<string, PublishedApi>.Empty, FrozenDictionary<string, PublishedApi>.Empty);
    }
}
