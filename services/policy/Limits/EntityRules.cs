using AiMesh.Hosting.Limits;
using System.Collections.Frozen;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Limits;

/// <summary>
/// The rate limits and budgets set per key, user, team or organization through the admin API (<c>entity_limits</c>,
/// <c>entity_budgets</c>), in memory for the decision path: a decision looks up at most four subjects (its key, user,
/// team and organization) and never waits on the database. Reloaded whole when an <see cref="EntityRulesChanged"/>
/// arrives (every replica gets it on its own queue) and with the keys' periodic reload in case one was lost: the same
/// bound as a key change (<see cref="PolicyOptions.KeyReloadInterval"/> at worst).
/// <para>
/// <b>An entity's setting overrides configuration for that subject.</b> A limit of a kind (requests per second, per
/// minute, tokens per minute, concurrent) set for a key replaces, for that key only, what the configured rules of key
/// scope say of that kind; kinds it leaves unset keep the configured values. A budget set for a subject and period
/// replaces the configured rule of that scope and period for that subject (they would count the same spend).
/// </para>
/// </summary>
internal sealed class EntityRules(IDbContextFactory<PolicyDbContext> databases, IOptions<LimitOptions> limits)
{
    private volatile Snapshot _current = Snapshot.Empty;

    public bool HasLimits => _current.Limits.Count > 0;

    public bool HasBudgets => _current.Budgets.Count > 0;

    /// <summary>The limit rule set for this subject (its <see cref="LimitRule.Match"/> is the subject's value), or null.</summary>
    public LimitRule? Limit(LimitScope scope, string? value) =>
        value is not null && NameOf(scope) is { } type && _current.Limits.TryGetValue(type + ":" + value, out var rule) ? rule : null;

    /// <summary>The budget rules set for this subject, one per period (empty when none).</summary>
    public IReadOnlyList<BudgetRule> Budgets(BudgetScope scope, string? value) =>
        value is not null && _current.Budgets.TryGetValue(NameOf(scope) + ":" + value, out var rules) ? rules : [];

    /// <summary>Reads both tables and swaps the new rules in at once.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.EntityLimits.ToListAsync(cancellationToken);
        var budgets = await db.EntityBudgets.ToListAsync(cancellationToken);
        var onStoreDown = limits.Value.EntityOnStoreDown;
        _current = new Snapshot(
            rows.ToFrozenDictionary(r => NameOf(r.SubjectType, r.SubjectId), r => ToRule(r, onStoreDown), StringComparer.Ordinal),
            budgets.GroupBy(b => NameOf(b.SubjectType, b.SubjectId), StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<BudgetRule>)[.. g.Select(ToRule)], StringComparer.Ordinal));
    }

    /// <summary>The value a decision compares with: a user's is its principal (<c>user:…</c>), the others their id.</summary>
    public static string ValueOf(string subjectType, Guid subjectId) =>
        subjectType == LimitSubjects.User ? "user:" + subjectId : subjectId.ToString();

    public static LimitScope ScopeOf(string subjectType) => subjectType switch
    {
        LimitSubjects.Key => LimitScope.Key,
        LimitSubjects.User => LimitScope.User,
        LimitSubjects.Team => LimitScope.Team,
        _ => LimitScope.Org,
    };

    public static BudgetScope BudgetScopeOf(string subjectType) => subjectType switch
    {
        LimitSubjects.Key => BudgetScope.Key,
        LimitSubjects.User => BudgetScope.User,
        LimitSubjects.Team => BudgetScope.Team,
        _ => BudgetScope.Org,
    };

    public static BudgetRule ToRule(EntityBudget row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new BudgetRule
        {
            Scope = BudgetScopeOf(row.SubjectType),
            Match = ValueOf(row.SubjectType, row.SubjectId),
            Period = Enum.Parse<BudgetPeriod>(row.Period, ignoreCase: true),
            Amount = row.AmountNanos / 1_000_000_000m,
            SoftThresholds = row.SoftThresholds,
            Hard = row.Hard,
        };
    }

    private static LimitRule ToRule(EntityLimit row, StoreDownChoice onStoreDown) => new()
    {
        Scope = ScopeOf(row.SubjectType),
        Match = ValueOf(row.SubjectType, row.SubjectId),
        RequestsPerSecond = row.RequestsPerSecond,
        RequestsPerMinute = row.RequestsPerMinute,
        TokensPerMinute = row.TokensPerMinute,
        Concurrent = row.Concurrent,
        OnStoreDown = onStoreDown,
    };

    private static string NameOf(string subjectType, Guid subjectId) => subjectType + ":" + ValueOf(subjectType, subjectId);

    private static string? NameOf(LimitScope scope) => scope switch
    {
        LimitScope.Key => LimitSubjects.Key,
        LimitScope.User => LimitSubjects.User,
        LimitScope.Team => LimitSubjects.Team,
        LimitScope.Org => LimitSubjects.Org,
        _ => null,
    };

    private static string NameOf(BudgetScope scope) => scope switch
    {
        BudgetScope.Key => LimitSubjects.Key,
        BudgetScope.User => LimitSubjects.User,
        BudgetScope.Team => LimitSubjects.Team,
        _ => LimitSubjects.Org,
    };

    private sealed record Snapshot(FrozenDictionary<string, LimitRule> Limits, FrozenDictionary<string, IReadOnlyList<BudgetRule>> Budgets)
    {
        public static Snapshot Empty { get; } = new(
            FrozenDictionary<string, LimitRule>.Empty, FrozenDictionary<string, IReadOnlyList<BudgetRule>>.Empty);
    }
}
