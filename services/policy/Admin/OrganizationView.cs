using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

internal sealed record OrganizationView(Guid Id, string Name, DateTimeOffset CreatedAt)
{
    public static OrganizationView Of(Organization o) => new(o.Id, o.Name, o.CreatedAt);
}
