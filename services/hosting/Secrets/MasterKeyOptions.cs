namespace AiMesh.Hosting.Secrets;

/// <summary>
/// Where a service's master key ring comes from (the <c>Policy:Secrets</c> and <c>Router:Secrets</c> sections). The
/// keys themselves are never settings: the current one is <see cref="CurrentKeyVariable"/> in the environment or the
/// file <see cref="MasterKeyFile"/> names; previous ones (still accepted for decryption during a rotation) are
/// <see cref="PreviousKeysVariable"/> (comma-separated) or the files of <see cref="PreviousKeyFiles"/>. Each key is
/// the base64 of 32 random bytes (<c>openssl rand -base64 32</c>).
/// </summary>
public sealed class MasterKeyOptions
{
    public const string CurrentKeyVariable = "AIMESH_MASTER_KEY";

    public const string PreviousKeysVariable = "AIMESH_PREVIOUS_MASTER_KEYS";

    /// <summary>A file holding the current key (base64 of 32 bytes); used when <see cref="CurrentKeyVariable"/> is not set.</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Files each holding one previous key, besides those of <see cref="PreviousKeysVariable"/>.</summary>
    public List<string> PreviousKeyFiles { get; set; } = [];
}
