namespace AiMesh.Policy.Admin;

/// <summary>A new provider credential: a unique name, the secret value, and optionally the provider it is for.</summary>
internal sealed record CreateCredentialRequest(string? Name, string? Value, string? Provider)
{
    public override string ToString() => $"credential {Name}";
}
