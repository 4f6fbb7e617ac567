using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

internal sealed record ServiceAccountView(Guid Id, Guid TeamId, string Name, DateTimeOffset CreatedAt)
{
    public static ServiceAccountView Of(ServiceAccount a) => new(a.Id, a.TeamId, a.Name, a.CreatedAt);
}
