namespace AiMesh.Policy.Budgets;

/// <summary>Whose spend a budget limits: each key, user, team or organization separately.</summary>
internal enum BudgetScope
{
    Key,
    User,
    Team,
    Org,
}
