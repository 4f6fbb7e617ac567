using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

internal sealed record TeamView(Guid Id, Guid OrganizationId, string Name, DateTimeOffset CreatedAt, bool LogBodies)
{
    public static TeamView Of(Team t) => new(t.Id, t.OrganizationId, t.Name, t.CreatedAt, t.LogBodies);
}
