using System.Globalization;

namespace AiMesh.Policy.Budgets;

/// <summary>Where a budget's period starts and ends, in UTC: days at midnight, weeks on Monday, months on the first.</summary>
internal static class BudgetPeriods
{
    public static DateTimeOffset? Start(BudgetPeriod period, DateTimeOffset now)
    {
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            BudgetPeriod.Day => day,
            BudgetPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            BudgetPeriod.Month => new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => null,
        };
    }

    /// <summary>When the period holding <paramref name="now"/> ends; null for <see cref="BudgetPeriod.Total"/>, which never does.</summary>
    public static DateTimeOffset? End(BudgetPeriod period, DateTimeOffset now) => Start(period, now) is not { } start ? null : period switch
    {
        BudgetPeriod.Day => start.AddDays(1),
        BudgetPeriod.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };

    /// <summary>
    /// How long a period's counts are worth keeping outside the store (Redis hashes, this process's memory): a day past
    /// its end, so a request admitted just before the end still settles into it (no deadline is that long). Null for
    /// <c>total</c>, or a name this class did not make.
    /// </summary>
    public static DateTimeOffset? KeepUntil(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Enum.TryParse<BudgetPeriod>(name[..colon], ignoreCase: true, out var period)
            || !DateTimeOffset.TryParseExact(name[(colon + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            return null;
        }

        return End(period, start)?.AddDays(1);
    }

    /// <summary>The period's name in the store and on events: <c>day:2026-11-23</c>, <c>week:2026-11-23</c>, <c>month:2026-11-01</c>, <c>total</c>.</summary>
    public static string Name(BudgetPeriod period, DateTimeOffset now) => Start(period, now) is { } start
        ? $"{period.ToString().ToLowerInvariant()}:{start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : "total";
}
