namespace AiMesh.Policy.Store;

/// <summary>A person in an organization, with one role (<see cref="Roles"/>) and any number of team memberships.</summary>
internal sealed class User : IOrganizationOwned
{
    public Guid Id { get; set; }

    public Guid OrganizationId { get; set; }

    public string Email { get; set; } = "";

    public string Role { get; set; } = Roles.Member;

    public DateTimeOffset CreatedAt { get; set; }
}
