namespace AiMesh.Policy.Limits;

/// <summary>
/// A rate limit or budget set through the admin API changed: every policy replica reads them again. Private to policy
/// (not in contracts/), like <see cref="Keys.KeyChanged"/>; it names the subject for the logs only.
/// </summary>
public sealed record EntityRulesChanged(string SubjectType, Guid SubjectId);
