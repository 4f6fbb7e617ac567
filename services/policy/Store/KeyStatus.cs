namespace AiMesh.Policy.Store;

/// <summary>A virtual key's status as stored. Only <see cref="Enabled"/> keys are served; revoked is final.</summary>
internal static class KeyStatus
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string Revoked = "revoked";
}
