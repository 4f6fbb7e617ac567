namespace AiMesh.Policy.Keys.Administration;

internal sealed record AccessGroupView(Guid Id, Guid OrganizationId, string Name, IReadOnlyList<string> Models);
