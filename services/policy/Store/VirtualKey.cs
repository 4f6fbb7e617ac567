namespace AiMesh.Policy.Store;

/// <summary>
/// A virtual key as stored: never the secret, only its SHA-256 (unique) and the first characters as a display
/// prefix. Exactly one owner column is set (a CHECK constraint holds the database to it).
/// </summary>
internal sealed class VirtualKey
{
    public Guid Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole secret, as the ingress sends it in <c>AuthorizeRequest.CredentialHash</c>.</summary>
    public string KeyHash { get; set; } = "";

    public string DisplayPrefix { get; set; } = "";

    /// <summary>The owner's organization, kept on the key so tenancy and access groups need no join.</summary>
    public Guid OrganizationId { get; set; }

    public Guid? OwnerUserId { get; set; }

    public Guid? OwnerTeamId { get; set; }

    public Guid? OwnerServiceAccountId { get; set; }

    /// <summary>Public model names; <c>*</c> allows every model; empty (with no groups) allows none.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Names of <see cref="ModelAccessGroup"/>s of the key's organization.</summary>
    public List<string> AccessGroups { get; set; } = [];

    /// <summary>CIDR blocks (IPv4 or IPv6) the key may be used from; empty admits any address.</summary>
    public List<string> IpAllowlist { get; set; } = [];

    /// <summary>Labels for filtering keys and for the router's rules (<c>Router:Rules:N:KeyTags</c>).</summary>
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>
    /// Data residency: the regions this key's requests may be served in (deployment region tags); empty: any. With a
    /// team that has regions too, only the regions both allow.
    /// </summary>
    public List<string> Regions { get; set; } = [];

    public DateTimeOffset? ExpiresAt { get; set; }

    public string Status { get; set; } = KeyStatus.Enabled;

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The key this one replaced by rotation; that key stays usable until its grace ends (its expiry).</summary>
    public Guid? RotatedFrom { get; set; }

    /// <summary>Keep this key's request and answer bodies (redacted) with its usage; its team's flag does the same for every key of the team.</summary>
    public bool LogBodies { get; set; }
}
