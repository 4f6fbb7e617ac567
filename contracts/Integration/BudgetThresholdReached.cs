namespace AiMesh.Contracts.Integration;

/// <summary>
/// Published by policy once per budget, period and threshold when the settled spend of a budget first reaches
/// <paramref name="ThresholdPercent"/> of its amount (e.g. 50, 80, 100). Policy inserts a unique row per (budget,
/// period, threshold) before it publishes, so replicas publish it once; consumers may still de-duplicate on
/// (<paramref name="Budget"/>, <paramref name="Period"/>, <paramref name="ThresholdPercent"/>).
/// </summary>
/// <param name="Budget">The budget's scope and value, e.g. <c>team:t-1</c> or <c>key:sk-aimesh-ab</c>, never a secret.</param>
/// <param name="Period">The period's kind and start, e.g. <c>month:2026-11-01</c>, <c>week:2026-11-23</c>, <c>total</c> (UTC; weeks from Monday).</param>
/// <param name="Spent">The settled spend of the period when the threshold was reached, in <paramref name="Currency"/>.</param>
/// <param name="Amount">The budget's amount for the period.</param>
/// <param name="Currency">The currency of the prices (ISO 4217), as the router's price table names it; null when no settled cost named one.</param>
[IntegrationEvent(1)]
public sealed record BudgetThresholdReached(
    string Budget,
    string Period,
    int ThresholdPercent,
    decimal Spent,
    decimal Amount,
    string? Currency,
    bool Hard,
    DateTimeOffset OccurredAt);
