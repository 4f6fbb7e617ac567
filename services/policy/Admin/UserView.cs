using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

internal sealed record UserView(Guid Id, Guid OrganizationId, string Email, string Role, DateTimeOffset CreatedAt)
{
    public static UserView Of(User u) => new(u.Id, u.OrganizationId, u.Email, u.Role, u.CreatedAt);
}
