namespace AiMesh.Policy.Budgets;

/// <summary>
/// The "Policy:Budgets" section: spend limits per key, user, team or organization. With no rule nothing is reserved
/// and no request pays for budgets.
/// <para>
/// <see cref="Prices"/> are the worst-case prices per public model that a reservation uses (the dearest deployment's,
/// per million tokens). They only size the hold made before the call; what is charged is the router's cost from its
/// price table. A model without a price reserves nothing: it is admitted while the budget has room and its cost is
/// counted when it ends, so concurrent requests for such a model can overshoot a hard budget by their cost.
/// </para>
/// </summary>
internal sealed class BudgetOptions
{
    public const string Section = "Policy:Budgets";

    public List<BudgetRule> Rules { get; set; } = [];

    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Output tokens a reservation assumes when the request sets no <c>max_tokens</c>.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>
    /// How long a reservation is held when the request's end is never reported, for a request with no deadline of its
    /// own; otherwise its deadline plus a minute. An expired reservation is charged in full (the cost is unknown, and a
    /// budget must never forget spend).
    /// </summary>
    public TimeSpan ReservationHold { get; set; } = TimeSpan.FromMinutes(11);

    /// <summary>Attempts per webhook call (each after a doubling pause from one second); failures are logged and counted.</summary>
    public int WebhookAttempts { get; set; } = 3;

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
