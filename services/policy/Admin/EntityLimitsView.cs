namespace AiMesh.Policy.Admin;

/// <summary>A subject's rate limits as set through the admin API; a null kind is not limited here (configuration may still limit it).</summary>
internal sealed record EntityLimitsView(
    string SubjectType,
    Guid SubjectId,
    Guid OrganizationId,
    int? RequestsPerSecond,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    int? Concurrent,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy);
