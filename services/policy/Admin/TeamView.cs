using AiMesh.Policy.Store;

namespace AiMesh.Policy.Admin;

internal sealed record TeamView(
    Guid Id, Guid OrganizationId, string Name, DateTimeOffset CreatedAt, bool LogBodies, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Regions)
{
    public static TeamView Of(Team t) => new(t.Id, t.OrganizationId, t.Name, t.CreatedAt, t.LogBodies, new Dictionary<string, string>(t.Tags, StringComparer.Ordinal), [.. t.Regions]);
}
