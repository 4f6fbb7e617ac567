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
}
