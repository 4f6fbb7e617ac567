namespace AiMesh.Policy.Keys;

/// <summary>A model access group was defined or changed: every policy replica reads it again. Private to policy.</summary>
public sealed record AccessGroupChanged(Guid OrganizationId, string Name);
