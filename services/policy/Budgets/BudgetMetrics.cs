using System.Diagnostics.Metrics;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// Budget counters on policy's meter: requests refused by a hard budget (by scope), reservations that expired
/// unsettled, thresholds announced, and webhook calls that failed for good. Labels are scopes only, never a budget's value.
/// </summary>
internal sealed class BudgetMetrics
{
    private readonly Counter<long> rejections;
    private readonly Counter<long> expired;
    private readonly Counter<long> thresholds;
    private readonly Counter<long> webhookFailures;

    public BudgetMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(AiMesh.Policy.Authorization.PolicyMetrics.MeterName);
        rejections = meter.CreateCounter<long>("aimesh.policy.budget.rejections", "{request}", "Requests refused by a hard budget, by scope");
        expired = meter.CreateCounter<long>("aimesh.policy.budget.expired_reservations", "{reservation}", "Reservations whose request never settled, charged in full");
        thresholds = meter.CreateCounter<long>("aimesh.policy.budget.thresholds", "{threshold}", "Budget thresholds announced (once per budget, period and threshold)");
        webhookFailures = meter.CreateCounter<long>("aimesh.policy.budget.webhook_failures", "{call}", "Budget webhook calls that failed after every attempt");
    }

    public void Rejected(BudgetScope scope) => rejections.Add(1, new KeyValuePair<string, object?>("scope", Name(scope)));

    public void Expired() => expired.Add(1);

    public void Announced() => thresholds.Add(1);

    public void WebhookFailed() => webhookFailures.Add(1);

    public static string Name(BudgetScope scope) => scope switch
    {
        BudgetScope.Key => "key",
        BudgetScope.User => "user",
        BudgetScope.Team => "team",
        _ => "org",
    };
}
