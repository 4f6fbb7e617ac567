namespace AiMesh.Policy.Admin;

/// <summary>
/// The body of <c>PUT …/{id}/budgets/{period}</c>. <see cref="Hard"/> defaults to true: a budget set for a subject is a
/// cap (429 <c>budget_exceeded</c>) unless it is said to only announce its thresholds.
/// </summary>
internal sealed record SetBudgetRequest(decimal? Amount, List<int>? SoftThresholds, bool? Hard);
