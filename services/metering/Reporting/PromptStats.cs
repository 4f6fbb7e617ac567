using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Feedback;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// A prompt's figures per version (<see cref="QueryPromptStats"/>): requests, errors, latency, tokens, cost and the
/// feedback scores, joined by request id. Choice: the period's events of the one prompt are read (only the columns
/// needed) and summed here, as the usage export does, rather than in SQL: the percentiles are then exact nearest-rank
/// p50 and p95 on both databases (SQLite has no percentile function, and the rollups have no prompt dimension), and
/// SQLite's DateTimeOffset text cannot be compared in SQL anyway. The period is bounded as every usage query's.
/// </summary>
internal sealed class PromptStats(MeteringDbContext db)
{
    /// <summary>Outcomes that are not errors: an answer, a truncated answer, a client that went away.</summary>
    private static readonly HashSet<string> NotErrors = new(StringComparer.Ordinal) { CompletionOutcomes.Ok, CompletionOutcomes.Truncated, CompletionOutcomes.Cancelled };

    public async Task<PromptStatsReport> QueryAsync(QueryPromptStats query, CancellationToken cancellationToken)
    {
        if (query.To <= query.From || query.To - query.From > UsageReports.MaxPeriod)
        {
            return new PromptStatsReport(query.RequestId, query.PromptId, query.From, query.To, [],
                $"the period must end after it starts and last at most {UsageReports.MaxPeriod.TotalDays} days.");
        }

        var from = query.From.ToUniversalTime();
        var to = query.To.ToUniversalTime();
        var events = db.UsageEvents.AsNoTracking().Where(e => e.PromptId == query.PromptId);
        if (query.OrganizationId is { } organization)
        {
            events = events.Where(e => e.OrganizationId == organization);
        }

        var isPostgres = db.Database.IsNpgsql();
        if (isPostgres)
        {
            events = events.Where(e => e.FinishedAt >= from && e.FinishedAt < to);
        }

        var rows = await events
            .Select(e => new Row(e.RequestId, e.PromptVersion, e.Outcome, e.LatencyMs, e.InputTokens, e.OutputTokens, e.Cost, e.CostCurrency, e.FinishedAt))
            .ToListAsync(cancellationToken);
        if (!isPostgres)
        {
            rows = [.. rows.Where(r => r.FinishedAt >= from && r.FinishedAt < to)];
        }

        var scores = await FeedbackTable.ScoresAsync(db, query.PromptId, cancellationToken);
        var versions = rows
            .GroupBy(r => r.Version ?? "", StringComparer.Ordinal)
            .OrderBy(g => int.TryParse(g.Key, out var n) ? n : int.MaxValue).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Of(g.Key, [.. g], scores))
            .ToList();
        return new PromptStatsReport(query.RequestId, query.PromptId, query.From, query.To, versions);
    }

    private static PromptVersionStats Of(string version, List<Row> rows, Dictionary<Guid, double> scores)
    {
        var errors = rows.LongCount(r => !NotErrors.Contains(r.Outcome));
        var latencies = rows.Select(r => r.LatencyMs).Order().ToArray();
        var scored = rows.Where(r => scores.ContainsKey(r.RequestId)).Select(r => scores[r.RequestId]).ToList();
        var cost = rows
            .Where(r => r.Cost is not null && r.Currency is not null)
            .GroupBy(r => r.Currency!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Cost!.Value), StringComparer.Ordinal);
        return new PromptVersionStats(
            version,
            rows.Count,
            errors,
            rows.Count == 0 ? 0 : (double)errors / rows.Count,
            latencies.Length == 0 ? null : latencies.Average(),
            Rank(latencies, 0.50),
            Rank(latencies, 0.95),
            rows.Sum(r => (long)(r.InputTokens ?? 0)),
            rows.Sum(r => (long)(r.OutputTokens ?? 0)),
            cost,
            scored.Count,
            scored.Count == 0 ? null : scored.Average());
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least <paramref name="p"/> of them at or below it.</summary>
    internal static double? Rank(double[] sorted, double p) =>
        sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record Row(
        Guid RequestId, string? Version, string Outcome, double LatencyMs, int? InputTokens, int? OutputTokens, decimal? Cost, string? Currency, DateTimeOffset FinishedAt);
}
