namespace AiMesh.Policy.Store;

/// <summary>Rate limits set through the admin API for one key, user, team or organization (<c>entity_limits</c>); null sets no limit of that kind.</summary>
internal sealed class EntityLimit
{
    /// <summary>One of <see cref="LimitSubjects"/>.</summary>
    public string SubjectType { get; set; } = "";

    public Guid SubjectId { get; set; }

    public Guid OrganizationId { get; set; }

    public int? RequestsPerSecond { get; set; }

    public int? RequestsPerMinute { get; set; }

    public int? TokensPerMinute { get; set; }

    public int? Concurrent { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The actor who set them, as the audit trail names it.</summary>
    public string UpdatedBy { get; set; } = "";
}
