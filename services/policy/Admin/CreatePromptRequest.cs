namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>POST /admin/prompts</c>. <paramref name="OrganizationId"/>: the owning organization; an org_admin's own when
/// absent (an admin's absent means a prompt of the whole deployment, which only admins see and manage).
/// </summary>
internal sealed record CreatePromptRequest(string? Name, Guid? OrganizationId = null);
