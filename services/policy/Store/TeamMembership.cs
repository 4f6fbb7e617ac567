namespace AiMesh.Policy.Store;

/// <summary>A user's membership of a team (both in the same organization).</summary>
internal sealed class TeamMembership
{
    public Guid UserId { get; set; }

    public Guid TeamId { get; set; }
}
