namespace AiMesh.Policy.Admin;

/// <summary>A request body of the admin API; a missing member is a validation error by field.</summary>
/// <param name="LogBodies">Body logging for every key of the team; off when absent.</param>
internal sealed record CreateTeamRequest(Guid? OrganizationId, string? Name, bool? LogBodies = null);
