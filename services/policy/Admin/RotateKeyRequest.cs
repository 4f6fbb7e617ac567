namespace AiMesh.Policy.Admin;

/// <summary>A request body of the admin API; a missing member is a validation error by field.</summary>
internal sealed record RotateKeyRequest(int? GraceSeconds);
