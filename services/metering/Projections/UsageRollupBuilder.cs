using AiMesh.Contracts.Routing;
using AiMesh.Metering.Storage;

namespace AiMesh.Metering.Projections;

/// <summary>
/// Folds usage events into rollup rows in memory, so one statement carries a whole batch. An event counts in the hour
/// it finished (UTC), once per dimension it has a value for: always <c>all</c>, <c>key</c> and <c>model</c> (the model
/// requested); <c>user</c> when the principal is a user (<c>user:…</c>); <c>team</c>, <c>org</c> and <c>deployment</c> when set.
/// An error is a request whose outcome is neither ok, truncated nor cancelled by the client.
/// </summary>
internal sealed class UsageRollupBuilder
{
    private readonly Dictionary<RollupKey, RollupCounters> _rows = [];

    public int Count => _rows.Count;

    public void Add(UsageEvent usage)
    {
        var counters = Counters(usage);
        var hour = usage.FinishedAt.ToUnixTimeSeconds();
        hour -= ((hour % 3600) + 3600) % 3600;
        var currency = usage.Cost is null ? "" : usage.CostCurrency ?? "";
        AddRow(new RollupKey(hour, UsageDimensions.All, UsageDimensions.AllValue, currency), counters);
        AddRow(new RollupKey(hour, UsageDimensions.Key, usage.KeyId, currency), counters);
        AddRow(new RollupKey(hour, UsageDimensions.Model, usage.ModelRequested, currency), counters);
        if (usage.PrincipalId.StartsWith("user:", StringComparison.Ordinal))
        {
            AddRow(new RollupKey(hour, UsageDimensions.User, usage.PrincipalId, currency), counters);
        }

        if (usage.TeamId is { } team)
        {
            AddRow(new RollupKey(hour, UsageDimensions.Team, team, currency), counters);
        }

        if (usage.OrganizationId is { } organization)
        {
            AddRow(new RollupKey(hour, UsageDimensions.Org, organization, currency), counters);
        }

        if (usage.Deployment is { } deployment)
        {
            AddRow(new RollupKey(hour, UsageDimensions.Deployment, deployment, currency), counters);
        }
    }

    /// <summary>The rows in key order (see <see cref="RollupKey.CompareTo"/>).</summary>
    public IReadOnlyList<KeyValuePair<RollupKey, RollupCounters>> Rows() =>
        [.. _rows.OrderBy(r => r.Key)];

    public void Clear() => _rows.Clear();

    private static RollupCounters Counters(UsageEvent usage)
    {
        var counters = new RollupCounters();
        var values = counters.Values;
        values[RollupCounters.Requests] = 1;
        values[RollupCounters.Errors] = usage.Outcome is CompletionOutcomes.Ok or CompletionOutcomes.Truncated or CompletionOutcomes.Cancelled ? 0 : 1;
        values[RollupCounters.InputTokens] = usage.InputTokens ?? 0;
        values[RollupCounters.OutputTokens] = usage.OutputTokens ?? 0;
        values[RollupCounters.CachedTokens] = usage.CachedTokens ?? 0;
        values[RollupCounters.ReasoningTokens] = usage.ReasoningTokens ?? 0;
        values[RollupCounters.CostNanos] = usage.Cost is { } cost ? RollupCounters.Nanos(cost) : 0;
        values[RollupCounters.FirstLatencyBucket + RollupCounters.LatencyBucket(usage.LatencyMs)] = 1;
        return counters;
    }

    private void AddRow(RollupKey key, RollupCounters counters)
    {
        if (_rows.TryGetValue(key, out var row))
        {
            row.Add(counters);
        }
        else
        {
            var copy = new RollupCounters();
            copy.Add(counters);
            _rows[key] = copy;
        }
    }
}
