namespace AiMesh.Contracts.Secrets;

/// <summary>
/// The stored credentials of the names asked for, each sealed as stored. <see cref="Available"/> is false when policy
/// has no master key configured (nothing can be stored or served): the router keeps what it has.
/// </summary>
[TransientMessage]
public sealed record ProviderCredentialsListed(Guid RequestId, IReadOnlyList<SealedProviderCredential> Credentials, bool Available = true);
