namespace AiMesh.Contracts.Secrets;

/// <summary>
/// Policy's event on every change of a stored provider credential, for every router replica (each on a queue of its
/// own). Carries the value only as stored: sealed under the master key (<see cref="KeyId"/>,
/// <see cref="Ciphertext"/> = base64 of nonce ‖ AES-256-GCM ciphertext ‖ tag, bound to <see cref="CredentialId"/>),
/// never in clear. <see cref="Deleted"/>: the credential is gone; the key id and ciphertext are null.
/// </summary>
public sealed record ProviderCredentialChanged(Guid CredentialId, string Name, long Version, string? KeyId, string? Ciphertext, bool Deleted);
