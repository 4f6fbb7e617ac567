using AiMesh.Policy.Store;

namespace AiMesh.Policy.Secrets;

/// <summary>What the admin API and the audit trail show of a provider credential: metadata only, never the value or its ciphertext.</summary>
internal sealed record ProviderCredentialView(
    Guid Id,
    string Name,
    string? Provider,
    string Hint,
    string KeyId,
    long Version,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy)
{
    public static ProviderCredentialView Of(ProviderCredential c) =>
        new(c.Id, c.Name, c.Provider, c.Hint, c.KeyId, c.Version, c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy);
}
