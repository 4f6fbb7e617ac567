using AiMesh.Contracts.Metering;
using AiMesh.Metering.Projections;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// Answers <see cref="QueryUsage"/> from <c>usage_rollups</c> (days are sums of their UTC hours) and
/// <see cref="ExportUsage"/> from <c>usage_events</c> (exact costs and price table versions), a team's or, when it names
/// one, an organization's.
/// </summary>
internal sealed class UsageReports(MeteringDbContext db, UsageRollupReader rollups)
{
    public const string Hour = "hour";
    public const string Day = "day";
    public const string Total = "total";

    /// <summary>The longest period one query or export may cover.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(400);

    private static readonly Comparer<(long Period, string Value, string Currency)> Ordinal = Comparer<(long Period, string Value, string Currency)>.Create((a, b) =>
    {
        var order = a.Period.CompareTo(b.Period);
        order = order != 0 ? order : string.CompareOrdinal(a.Value, b.Value);
        return order != 0 ? order : string.CompareOrdinal(a.Currency, b.Currency);
    });

    public async Task<UsageReport> QueryAsync(QueryUsage query, CancellationToken cancellationToken)
    {
        if (Invalid(query) is { } error)
        {
            return new UsageReport(query.RequestId, [], error);
        }

        var from = query.From.ToUnixTimeSeconds();
        var to = query.To.ToUnixTimeSeconds();
        var wanted = query.Values is null ? null : new HashSet<string>(query.Values, StringComparer.Ordinal);
        var rows = wanted is { Count: 0 } ? [] : await rollups.ReadAsync(query.Dimension, from - Mod(from, 3600), to, wanted, cancellationToken);
        var groups = new SortedDictionary<(long Period, string Value, string Currency), RollupCounters>(Ordinal);
        foreach (var (key, counters) in rows)
        {
            var period = query.GroupBy switch
            {
                Hour => key.HourStart,
                Day => key.HourStart - Mod(key.HourStart, 86_400),
                _ => long.MinValue,
            };
            if (!groups.TryGetValue((period, key.Value, key.Currency), out var sum))
            {
                groups[(period, key.Value, key.Currency)] = sum = new RollupCounters();
            }

            sum.Add(counters);
        }

        return new UsageReport(query.RequestId, [.. groups.Select(g => Row(g.Key.Period, g.Key.Value, g.Key.Currency, g.Value.Values))]);
    }

    public async Task<UsageExport> ExportAsync(ExportUsage export, CancellationToken cancellationToken)
    {
        if (export.To <= export.From || export.To - export.From > MaxPeriod)
        {
            return new UsageExport(export.RequestId, []);
        }

        // Events are stored in UTC (the writer converts), so comparing them to UTC bounds is comparing instants.
        var from = export.From.ToUniversalTime();
        var to = export.To.ToUniversalTime();
        var events = export.OrganizationId is { } organization
            ? db.UsageEvents.AsNoTracking().Where(e => e.OrganizationId == organization)
            : db.UsageEvents.AsNoTracking().Where(e => e.TeamId == export.TeamId);
        var selected = db.Database.IsNpgsql()
            ? await events.Where(e => e.FinishedAt >= from && e.FinishedAt < to).ToListAsync(cancellationToken)
            : [.. (await events.ToListAsync(cancellationToken)).Where(e => e.FinishedAt >= from && e.FinishedAt < to)];
        var lines = selected
            .GroupBy(e => (Day: DateOnly.FromDateTime(e.FinishedAt.UtcDateTime), e.TeamId, e.KeyId, Currency: e.Cost is null ? null : e.CostCurrency))
            .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.TeamId, StringComparer.Ordinal).ThenBy(g => g.Key.KeyId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new UsageExportLine(
                g.Key.Day,
                g.Key.KeyId,
                g.LongCount(),
                g.Sum(e => (long)(e.InputTokens ?? 0)),
                g.Sum(e => (long)(e.OutputTokens ?? 0)),
                g.Sum(e => (long)(e.CachedTokens ?? 0)),
                g.Sum(e => (long)(e.ReasoningTokens ?? 0)),
                g.Sum(e => e.Cost ?? 0m),
                g.Key.Currency,
                [.. g.Select(e => e.PriceTableVersion).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                g.Key.TeamId))
            .ToList();
        return new UsageExport(export.RequestId, lines);
    }

    private static string? Invalid(QueryUsage query)
    {
        if (!UsageDimensions.Names.Contains(query.Dimension))
        {
            return $"dimension must be one of {string.Join(", ", UsageDimensions.Names)}.";
        }

        if (query.GroupBy is not (Hour or Day or Total))
        {
            return "groupBy must be hour, day or total.";
        }

        return query.To <= query.From || query.To - query.From > MaxPeriod
            ? $"the period must end after it starts and last at most {MaxPeriod.TotalDays} days."
            : null;
    }

    private static UsageReportRow Row(long period, string value, string currency, long[] v)
    {
        var histogram = v.AsSpan(RollupCounters.FirstLatencyBucket);
        return new UsageReportRow(
            value,
            period == long.MinValue ? null : DateTimeOffset.FromUnixTimeSeconds(period),
            currency.Length == 0 ? null : currency,
            v[RollupCounters.Requests],
            v[RollupCounters.Errors],
            v[RollupCounters.InputTokens],
            v[RollupCounters.OutputTokens],
            v[RollupCounters.CachedTokens],
            v[RollupCounters.ReasoningTokens],
            v[RollupCounters.CostNanos] / 1_000_000_000m,
            LatencyQuantiles.Estimate(histogram, 0.50),
            LatencyQuantiles.Estimate(histogram, 0.95));
    }

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}
