namespace AiMesh.Prompts.Store;

/// <summary>A prompt as read from the store: what the catalog caches and the admin API shows. Immutable.</summary>
/// <param name="Versions">Ascending by number.</param>
internal sealed record StoredPrompt(
    Guid Id,
    string Name,
    string? OrganizationId,
    DateTimeOffset Created,
    IReadOnlyList<StoredVersion> Versions,
    IReadOnlyDictionary<string, StoredLabel> Labels)
{
    public StoredVersion? Version(int number) => Versions.FirstOrDefault(v => v.Number == number);

    public StoredVersion? Latest => Versions.Count == 0 ? null : Versions[^1];

    /// <summary>The experiments running on this prompt's labels, by label (empty when none). An init member rather than a
    /// positional one, so code that builds a prompt without experiments need not name them.</summary>
    public IReadOnlyDictionary<string, StoredSplit> Splits { get; init; } = new Dictionary<string, StoredSplit>(StringComparer.Ordinal);
}
