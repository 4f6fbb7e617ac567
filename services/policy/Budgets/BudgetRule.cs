namespace AiMesh.Policy.Budgets;

/// <summary>
/// One spend limit. Spend is the router's cost of each request in the price table's currency, settled when the request
/// ends. A hard budget also refuses (429 <c>budget_exceeded</c>) a request whose worst-case cost would not fit.
/// </summary>
internal sealed class BudgetRule
{
    public BudgetScope Scope { get; set; } = BudgetScope.Key;

    /// <summary>Only this value of the scope (a key id, <c>user:…</c> principal, team or organization id); null: every value, each apart.</summary>
    public string? Match { get; set; }

    public BudgetPeriod Period { get; set; } = BudgetPeriod.Month;

    /// <summary>The spend allowed per period, in the price table's currency.</summary>
    public decimal Amount { get; set; }

    /// <summary>Percentages of <see cref="Amount"/> whose crossing is announced once per period (event and webhook).</summary>
    public List<int> SoftThresholds { get; set; } = [];

    /// <summary>Where crossings are posted as Slack-compatible JSON (<c>{"text": …}</c>); operator configuration, never logged.</summary>
    public Uri? Webhook { get; set; }

    /// <summary>Refuse requests whose worst-case cost would take spend past <see cref="Amount"/>.</summary>
    public bool Hard { get; set; }
}
