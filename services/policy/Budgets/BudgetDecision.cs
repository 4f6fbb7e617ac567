namespace AiMesh.Policy.Budgets;

/// <summary>
/// The budgets' verdict at admission: admitted with the budgets the request's cost is charged to and what was reserved
/// in them, or refused with the seconds until the refusing budget's period ends (null for a total budget).
/// </summary>
internal sealed record BudgetDecision(bool Admitted, IReadOnlyList<string>? Budgets, decimal Reserved, string? Message = null, int? RetryAfterSeconds = null)
{
    /// <summary>No budget applies: nothing reserved, nothing to settle.</summary>
    public static BudgetDecision None { get; } = new(true, null, 0);
}
