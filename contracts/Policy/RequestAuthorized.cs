namespace AiMesh.Contracts.Policy;

/// <param name="PrincipalId">Who is calling (key owner); logged and metered, never secret.</param>
/// <param name="KeyId">A short, non-secret key identifier (display prefix).</param>
/// <param name="AllowedModels">Public model names the principal may use; null means every model.</param>
[TransientMessage]
public sealed record RequestAuthorized(
    Guid RequestId,
    string PrincipalId,
    string KeyId,
    IReadOnlyList<string>? AllowedModels,
    string? TeamId = null);
