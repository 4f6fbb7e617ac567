namespace AiMesh.Policy.Keys;

/// <summary>
/// A stored key changed (created, revoked, rotated, updated): every policy replica reads it again. Private to
/// policy (not in contracts/): only policy replicas publish and consume it. It carries the id only, never the
/// hash or anything about the secret.
/// </summary>
public sealed record KeyChanged(Guid KeyId);
