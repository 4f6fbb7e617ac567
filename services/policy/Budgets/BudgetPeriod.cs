namespace AiMesh.Policy.Budgets;

/// <summary>How long a budget's amount lasts before spend starts again from zero. Periods are UTC; weeks start on Monday.</summary>
internal enum BudgetPeriod
{
    Day,
    Week,
    Month,
    Total,
}
