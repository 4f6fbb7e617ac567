namespace AiMesh.Policy.Store;

/// <summary>A tenant: every team, user, access group and key belongs to exactly one.</summary>
internal sealed class Organization : IIdentified
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
