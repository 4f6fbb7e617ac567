namespace AiMesh.Policy.Admin;

/// <summary>Where an object sits, as far as the rules care: its organization, the team it belongs to, the user who owns it.</summary>
internal sealed record AdminTarget(Guid OrganizationId, Guid? TeamId = null, Guid? OwnerUserId = null);
