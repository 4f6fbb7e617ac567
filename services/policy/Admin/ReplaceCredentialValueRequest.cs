namespace AiMesh.Policy.Admin;

/// <summary>A provider credential's new secret value.</summary>
internal sealed record ReplaceCredentialValueRequest(string? Value)
{
    public override string ToString() => "credential value";
}
