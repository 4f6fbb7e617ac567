namespace AiMesh.Policy.Store;

/// <summary>A budget set through the admin API for one key, user, team or organization and one period (<c>entity_budgets</c>).</summary>
internal sealed class EntityBudget
{
    /// <summary>One of <see cref="LimitSubjects"/>.</summary>
    public string SubjectType { get; set; } = "";

    public Guid SubjectId { get; set; }

    /// <summary>A <see cref="Budgets.BudgetPeriod"/> name, lower case.</summary>
    public string Period { get; set; } = "";

    public Guid OrganizationId { get; set; }

    /// <summary>The spend allowed per period, in billionths of the price table's currency.</summary>
    public long AmountNanos { get; set; }

    /// <summary>Percentages of the amount whose crossing is announced once per period.</summary>
    public List<int> SoftThresholds { get; set; } = [];

    public bool Hard { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}
