namespace AiMesh.Policy.Admin;

/// <summary>
/// The <c>Policy:Admin</c> section. The bootstrap key is a secret: it comes from <c>AIMESH_ADMIN_KEY</c> (or
/// <c>Policy__Admin__BootstrapKey</c>) in the environment, never from a committed file.
/// </summary>
internal sealed class AdminOptions
{
    public const string Section = "Policy:Admin";

    public const string BootstrapKeyVariable = "AIMESH_ADMIN_KEY";

    public const int MinBootstrapKeyLength = 32;

    /// <summary>On start, when no admin user exists yet: the secret of the first admin's key (≥ 32 characters).</summary>
    public string? BootstrapKey { get; set; }

    /// <summary>Largest admin request body; larger ones get 413 without being read to the end.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Addresses or CIDR blocks of the proxies (the ingress) whose <c>X-Forwarded-For</c> names the admin client. From any other
    /// peer the header is ignored: the connection's own address is the client's.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
