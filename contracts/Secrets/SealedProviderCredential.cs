namespace AiMesh.Contracts.Secrets;

/// <summary>One stored provider credential, its value sealed as stored (see <see cref="ProviderCredentialChanged"/>).</summary>
public sealed record SealedProviderCredential(Guid CredentialId, string Name, long Version, string KeyId, string Ciphertext);
