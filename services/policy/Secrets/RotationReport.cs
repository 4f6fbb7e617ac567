namespace AiMesh.Policy.Secrets;

/// <summary>What a master key rotation did: rows re-encrypted, rows already under the current key, and the ids (with their key ids) of rows no configured key opens.</summary>
internal sealed record RotationReport(int Rotated, int AlreadyCurrent, IReadOnlyList<(Guid Id, string KeyId)> Unreadable);
