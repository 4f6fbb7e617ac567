namespace AiMesh.Policy.Admin;

internal sealed record MembershipView(Guid TeamId, Guid UserId);
