namespace AiMesh.Policy.Store;

/// <summary>
/// A provider's API key, stored sealed (<see cref="KeyId"/> names the master key, <see cref="Ciphertext"/> is
/// base64 of nonce ‖ AES-256-GCM ciphertext ‖ tag, bound to <see cref="Id"/>). Mesh-wide infrastructure, so no
/// organization owns it. <see cref="Hint"/> is the value's last 4 characters (empty for short values), the only
/// part of it ever shown.
/// </summary>
internal sealed class ProviderCredential : IIdentified
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Which provider the key is for (<c>openai</c>, <c>anthropic</c>, …); informative only.</summary>
    public string? Provider { get; set; }

    public string KeyId { get; set; } = "";

    public string Ciphertext { get; set; } = "";

    public string Hint { get; set; } = "";

    /// <summary>1 when created, +1 on every new value or re-encryption under another master key.</summary>
    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}
