namespace AiMesh.Contracts.Secrets;

/// <summary>
/// A router replica asks policy for the stored provider credentials its deployments name (at start, then on a timer
/// as the safety net under <see cref="ProviderCredentialChanged"/>). Answered by <see cref="ProviderCredentialsListed"/>.
/// </summary>
[TransientMessage]
public sealed record GetProviderCredentials(Guid RequestId, IReadOnlyList<string> Names);
