namespace AiMesh.Policy.Store;

/// <summary>A non-human caller owned by a team; its keys are billed to that team.</summary>
internal sealed class ServiceAccount : IIdentified
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
