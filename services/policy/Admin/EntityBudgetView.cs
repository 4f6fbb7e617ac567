namespace AiMesh.Policy.Admin;

/// <summary>
/// A subject's budget for one period as set through the admin API, with the spend settled so far in the current period
/// (<see cref="CurrentPeriod"/>; requests still in flight are not in it yet).
/// </summary>
internal sealed record EntityBudgetView(
    string SubjectType,
    Guid SubjectId,
    Guid OrganizationId,
    string Period,
    decimal Amount,
    IReadOnlyList<int> SoftThresholds,
    bool Hard,
    string CurrentPeriod,
    decimal Spent,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);
