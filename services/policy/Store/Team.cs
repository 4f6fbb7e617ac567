namespace AiMesh.Policy.Store;

/// <summary>A team inside an organization; it can own keys and service accounts.</summary>
internal sealed class Team : IOrganizationOwned
{
    public Guid Id { get; set; }

    public Guid OrganizationId { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Keep the request and answer bodies (redacted) of every key of the team: its own and its service accounts'.</summary>
    public bool LogBodies { get; set; }

    /// <summary>Labels the router's rules can match (<c>Router:Rules:N:TeamTags</c>), carried with every key of the team.</summary>
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>Data residency for every key of the team (its own and its service accounts'); empty: any. Intersected with each key's.</summary>
    public List<string> Regions { get; set; } = [];
}
