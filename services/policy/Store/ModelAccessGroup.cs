namespace AiMesh.Policy.Store;

/// <summary>A named set of public model names in an organization; a key that names the group may use them all.</summary>
internal sealed class ModelAccessGroup : IOrganizationOwned
{
    public Guid Id { get; set; }

    public Guid OrganizationId { get; set; }

    public string Name { get; set; } = "";

    public List<string> Models { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}
