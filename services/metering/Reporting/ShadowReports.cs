using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// Answers <see cref="QueryShadowComparison"/> and <see cref="QueryShadowResults"/> from <c>shadow_results</c>. The
/// comparison is computed from the stored results at query time, not from a rollup: shadow traffic is a share of a few
/// models' requests, and exact medians and means are what a candidate is judged by (a rollup's histogram would put the two
/// sides' medians in the same doubling bucket).
/// </summary>
internal sealed class ShadowReports(MeteringDbContext db)
{
    /// <summary>The most results one page lists.</summary>
    public const int MaxPage = 1_000;

    public async Task<ShadowComparison> CompareAsync(QueryShadowComparison query, CancellationToken cancellationToken)
    {
        if (InvalidPeriod(query.From, query.To) is { } error)
        {
            return new ShadowComparison(query.RequestId, [], error);
        }

        var filter = new ShadowFilter(query.From, query.To, query.Model, null, query.OrganizationId, query.TeamIds, query.KeyIds);
        var figures = await ShadowResultTable.FiguresAsync(db, filter, cancellationToken);
        var rows = figures
            .GroupBy(f => (f.ModelRequested, f.PrimaryModel, f.ShadowModel, f.Currency))
            .OrderBy(g => g.Key.ModelRequested, StringComparer.Ordinal).ThenBy(g => g.Key.PrimaryModel, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ShadowModel, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => Row(g.Key.ModelRequested, g.Key.PrimaryModel, g.Key.ShadowModel, g.Key.Currency, [.. g]))
            .ToList();
        return new ShadowComparison(query.RequestId, rows);
    }

    public async Task<ShadowResultsPage> PageAsync(QueryShadowResults query, CancellationToken cancellationToken)
    {
        var error = InvalidPeriod(query.From, query.To)
            ?? (query.Offset < 0 || query.Limit is < 1 or > MaxPage ? $"the offset must not be negative and the limit from 1 to {MaxPage}." : null)
            ?? (string.IsNullOrEmpty(query.ModelRequested) || string.IsNullOrEmpty(query.PrimaryModel) || string.IsNullOrEmpty(query.ShadowModel)
                ? "the model requested, the primary model and the shadow model are required." : null);
        if (error is not null)
        {
            return new ShadowResultsPage(query.RequestId, [], false, error);
        }

        var filter = new ShadowFilter(query.From, query.To, null, (query.ModelRequested, query.PrimaryModel, query.ShadowModel), query.OrganizationId, query.TeamIds, query.KeyIds);
        var (results, more) = await ShadowResultTable.PageAsync(db, filter, query.Offset, query.Limit, cancellationToken);
        return new ShadowResultsPage(query.RequestId, results, more);
    }

    private static string? InvalidPeriod(DateTimeOffset from, DateTimeOffset to) =>
        to <= from || to - from > UsageReports.MaxPeriod
            ? $"the period must end after it starts and last at most {UsageReports.MaxPeriod.TotalDays} days."
            : null;

    private static ShadowComparisonRow Row(string requested, string primary, string shadow, string? currency, List<ShadowFigures> results)
    {
        var primaryCosts = results.Where(r => r.PrimaryCostNanos is not null && r.PrimaryCurrency == currency).ToList();
        var shadowCosts = results.Where(r => r.ShadowCostNanos is not null && r.ShadowCurrency == currency).ToList();
        var similarities = results.Where(r => r.Similarity is not null).Select(r => r.Similarity!.Value).ToList();
        var primaryLatencies = results.Where(r => r.PrimaryAnswered).Select(r => r.PrimaryDurationMs).ToList();
        var shadowLatencies = results.Where(r => r.ShadowAnswered).Select(r => r.ShadowDurationMs).ToList();
        return new ShadowComparisonRow(
            requested,
            primary,
            shadow,
            currency,
            results.Count,
            results.Count(r => !r.PrimaryAnswered),
            results.Count(r => !r.ShadowAnswered),
            Median(primaryLatencies),
            primaryLatencies.Count == 0 ? null : primaryLatencies.Average(),
            Median(shadowLatencies),
            shadowLatencies.Count == 0 ? null : shadowLatencies.Average(),
            results.Sum(r => r.PrimaryPromptTokens ?? 0),
            results.Sum(r => r.PrimaryCompletionTokens ?? 0),
            results.Sum(r => r.ShadowPromptTokens ?? 0),
            results.Sum(r => r.ShadowCompletionTokens ?? 0),
            primaryCosts.Sum(r => r.PrimaryCostNanos!.Value) / 1_000_000_000m,
            shadowCosts.Sum(r => r.ShadowCostNanos!.Value) / 1_000_000_000m,
            primaryCosts.Count,
            shadowCosts.Count,
            similarities.Count,
            similarities.Count == 0 ? null : similarities.Average());
    }

    /// <summary>The lower median: the value at rank ⌈n/2⌉ of the sorted values (a value that occurred); null when none.</summary>
    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values[((values.Count + 1) / 2) - 1];
    }
}
