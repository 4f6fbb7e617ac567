namespace AiMesh.Policy.Keys.Administration;

/// <summary>Who owns a key: exactly one of a user, a team or a service account.</summary>
internal sealed record KeyOwner(Guid? UserId = null, Guid? TeamId = null, Guid? ServiceAccountId = null);
