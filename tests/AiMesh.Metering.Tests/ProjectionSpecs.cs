using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Projections;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Metering.Tests;

/// <summary>
/// The hourly usage projection (<c>usage_rollups</c>), run once per database provider on a database of its own, so
/// every event in it went through the writer and the rollups must equal a recount of all of them.
/// </summary>
public abstract class ProjectionSpecs(ITestDatabase database)
{
    private static readonly string[] Keys = ["key-a", "key-b", "key-c"];
    private static readonly string[] Principals = ["user:ann", "user:bob", "service:batch"];
    private static readonly string?[] Teams = ["team-1", "team-2", null];
    private static readonly string?[] Organizations = ["org-1", null, "org-2"];
    private static readonly string[] Models = ["gpt-4o", "gpt-4o-mini"];
    private static readonly string?[] Deployments = ["azure-eu", null, "openai-us"];
    private static readonly string?[] Currencies = ["USD", "EUR", null];
    private static readonly string[] Outcomes = [CompletionOutcomes.Ok, CompletionOutcomes.Ok, CompletionOutcomes.Error, CompletionOutcomes.Truncated, CompletionOutcomes.TimedOut];
    private static readonly double[] Latencies = [3, 25, 25.5, 180, 950, 4_000, 99_000, 250_000];

    [Fact]
    public async Task Rollups_equal_a_recount_of_the_events_after_concurrent_batches_and_redeliveries()
    {
        await using var host = await StartAsync();
        var before = await host.QueryAsync(q => q.CountAsync());
        var records = Enumerable.Range(0, 150).Select(n => Record(n, day: 0)).ToList();

        // Every record alone, all at once; then the same records again in overlapping batches, and a third of them a
        // third time alone: each redelivery is metered again, and must never count again.
        await Task.WhenAll(records.Select(r => host.SendAsync(r)));
        await Task.WhenAll(records.Chunk(20).Select((chunk, i) => host.SendBatchAsync([.. chunk, records[(i * 7) % records.Count]])));
        await Task.WhenAll(records.Where((_, i) => i % 3 == 0).Select(r => host.SendAsync(r)));
        for (var i = 0; i < records.Count; i++)
        {
            var deliveries = 2 + (i % 3 == 0 ? 1 : 0) + Enumerable.Range(0, 8).Count(c => (c * 7) % records.Count == i);
            await host.Published.WaitForMeteredAsync(records[i].RequestId, deliveries);
        }

        Assert.Equal(before + records.Count, await host.QueryAsync(q => q.CountAsync()));
        var rollups = await ReadRollupsAsync(host);
        Assert.Equal(await RecountAsync(host), rollups);

        // This spec's records are the only ones on their day (see Record).
        var day = Day(0);
        var mine = rollups.Where(r => r.Key.HourStart >= day && r.Key.HourStart < day + 86_400).ToList();
        var all = mine.Where(r => r.Key.Dimension == UsageDimensions.All).ToList();
        Assert.Equal(records.Count, all.Sum(r => r.Value[RollupCounters.Requests]));
        Assert.Equal(records.Sum(r => (long)(r.Usage?.PromptTokens ?? 0)), all.Sum(r => r.Value[RollupCounters.InputTokens]));
        Assert.Equal(records.Where(r => r.Cost?.Currency == "EUR").Sum(r => RollupCounters.Nanos(r.Cost!.Amount)),
            all.Where(r => r.Key.Currency == "EUR").Sum(r => r.Value[RollupCounters.CostNanos]));
        Assert.DoesNotContain(mine, r => r.Key.Dimension == UsageDimensions.User && r.Key.Value == "service:batch");
        Assert.Equal(3, mine.Select(r => r.Key.HourStart).Distinct().Count());
    }

    [Fact]
    public async Task A_rebuild_replays_the_events_into_the_same_rollups_and_repairs_damaged_ones()
    {
        await using var host = await StartAsync();
        var records = Enumerable.Range(0, 60).Select(n => Record(n, day: 1)).ToList();
        await host.SendBatchAsync(records);
        foreach (var record in records)
        {
            await host.Published.WaitForMeteredAsync(record.RequestId);
        }

        var before = await ReadRollupsAsync(host);
        Assert.NotEmpty(before);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            await db.Database.ExecuteSqlRawAsync("UPDATE usage_rollups SET requests = requests + 5 WHERE dimension = 'key'");
            await db.Database.ExecuteSqlRawAsync("DELETE FROM usage_rollups WHERE dimension = 'model'");
        }

        Assert.NotEqual(before, await ReadRollupsAsync(host));

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var (events, rows) = await ProjectionRebuild.RunAsync(scope.ServiceProvider.GetRequiredService<MeteringDbContext>(), CancellationToken.None);
            Assert.Equal(await host.QueryAsync(q => q.CountAsync()), events);
            Assert.Equal(before.Count, rows);
        }

        Assert.Equal(before, await ReadRollupsAsync(host));
        Assert.Equal(await RecountAsync(host), before);
    }

    [Fact]
    public async Task The_rebuild_command_rebuilds_with_the_configured_database_and_exits_zero()
    {
        await using var host = await StartAsync();
        var record = Record(0, day: 2);
        await host.SendAsync(record);
        await host.Published.WaitForMeteredAsync(record.RequestId);
        var before = await ReadRollupsAsync(host);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MeteringDbContext>().Database.ExecuteSqlRawAsync("DELETE FROM usage_rollups");
        }

        var exit = await RebuildProjectionsCommand.RunAsync(
            [$"--Metering:Database:Provider={database.Provider}", $"--Metering:Database:ConnectionString={database.ConnectionString}"]);

        Assert.Equal(0, exit);
        Assert.Equal(before, await ReadRollupsAsync(host));
    }

    [Fact]
    public async Task The_rebuild_command_exits_one_when_the_database_cannot_be_reached()
    {
        await using var down = await database.CreateSwitchableAsync(up: false);

        var exit = await RebuildProjectionsCommand.RunAsync(
            [$"--Metering:Database:Provider={database.Provider}", $"--Metering:Database:ConnectionString={down.ConnectionString}"]);

        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task A_query_answers_from_the_rollups_per_key_by_day_and_in_total_with_quantiles_from_the_histogram()
    {
        await using var host = await StartAsync();
        var records = Enumerable.Range(0, 90).Select(n => Record(n, day: 3)).ToList();
        await host.SendBatchAsync(records);
        foreach (var record in records)
        {
            await host.Published.WaitForMeteredAsync(record.RequestId);
        }

        var from = DateTimeOffset.FromUnixTimeSeconds(Day(3));
        var client = host.Harness.Bus.CreateRequestClient<QueryUsage>(Endpoints.MeteringQueriesAddress);
        var byDay = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "key", ["key-a", "key-b"], "day"))).Message;

        Assert.Null(byDay.Error);
        Assert.All(byDay.Rows, r => Assert.Equal(from, r.PeriodStart));
        Assert.Equal(["key-a", "key-b"], byDay.Rows.Select(r => r.Value).Distinct());
        foreach (var key in new[] { "key-a", "key-b" })
        {
            var mine = records.Where(r => r.KeyId == key).ToList();
            var rows = byDay.Rows.Where(r => r.Value == key).ToList();
            Assert.Equal(mine.Count, rows.Sum(r => r.Requests));
            Assert.Equal(mine.Count(r => r.Outcome is CompletionOutcomes.Error or CompletionOutcomes.TimedOut), rows.Sum(r => r.Errors));
            Assert.Equal(mine.Sum(r => (long)(r.Usage?.CompletionTokens ?? 0)), rows.Sum(r => r.OutputTokens));
            foreach (var currency in new[] { "USD", "EUR" })
            {
                Assert.Equal(mine.Where(r => r.Cost?.Currency == currency).Sum(r => RollupCounters.Nanos(r.Cost!.Amount)) / 1_000_000_000m,
                    rows.Where(r => r.Currency == currency).Sum(r => r.Cost));
            }

            Assert.Equal(0m, rows.Where(r => r.Currency is null).Sum(r => r.Cost));
        }

        // The estimate lies in the bucket of the true quantile (nearest rank over the records).
        var total = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "model", null, "total"))).Message;
        var gpt4o = total.Rows.Where(r => r.Value == "gpt-4o").ToList();
        Assert.All(total.Rows, r => Assert.Null(r.PeriodStart));
        Assert.Equal(45, gpt4o.Sum(r => r.Requests));
        var usd = Assert.Single(gpt4o, r => r.Currency == "USD");
        var latencies = records.Where(r => r.ModelRequested == "gpt-4o" && r.Cost?.Currency == "USD").Select(r => r.LatencyMs).Order().ToList();
        Assert.Equal(latencies.Count, usd.Requests);
        foreach (var (quantile, estimate) in new[] { (0.50, usd.LatencyP50Ms), (0.95, usd.LatencyP95Ms) })
        {
            var truth = latencies[(int)Math.Ceiling(quantile * latencies.Count) - 1];
            var (lower, upper) = BucketOf(truth);
            Assert.InRange(estimate!.Value, lower, upper);
        }

        // By org: each organization's requests and exact cost; requests admitted for none count in no org row.
        var byOrg = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "org", null, "total"))).Message;
        Assert.Null(byOrg.Error);
        Assert.Equal(["org-1", "org-2"], byOrg.Rows.Select(r => r.Value).Distinct());
        foreach (var org in new[] { "org-1", "org-2" })
        {
            var mine = records.Where(r => r.OrganizationId == org).ToList();
            var rows = byOrg.Rows.Where(r => r.Value == org).ToList();
            Assert.Equal(mine.Count, rows.Sum(r => r.Requests));
            Assert.Equal(mine.Sum(r => (long)(r.Usage?.PromptTokens ?? 0)), rows.Sum(r => r.InputTokens));
            Assert.Equal(mine.Where(r => r.Cost?.Currency == "USD").Sum(r => RollupCounters.Nanos(r.Cost!.Amount)) / 1_000_000_000m,
                rows.Where(r => r.Currency == "USD").Sum(r => r.Cost));
        }

        Assert.Equal(records.Count(r => r.OrganizationId is not null), byOrg.Rows.Sum(r => r.Requests));

        var none = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "key", [], "hour"))).Message;
        Assert.Empty(none.Rows);
        var byHour = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "all", null, "hour"))).Message;
        Assert.Equal(3, byHour.Rows.Select(r => r.PeriodStart).Distinct().Count());
        Assert.Equal(records.Count, byHour.Rows.Sum(r => r.Requests));
        var invalid = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), from, from.AddDays(1), "organization", null, "day"))).Message;
        Assert.Empty(invalid.Rows);
        Assert.Contains("dimension", invalid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_gives_a_team_one_line_per_day_key_and_currency_with_exact_costs_and_price_versions()
    {
        await using var host = await StartAsync();
        var records = Enumerable.Range(0, 48).Select(n => Record(n, day: 4)).ToList();
        await host.SendBatchAsync(records);
        foreach (var record in records)
        {
            await host.Published.WaitForMeteredAsync(record.RequestId);
        }

        var from = DateTimeOffset.FromUnixTimeSeconds(Day(4));
        var client = host.Harness.Bus.CreateRequestClient<ExportUsage>(Endpoints.MeteringQueriesAddress);
        var export = (await client.GetResponse<UsageExport>(new ExportUsage(NewId.NextGuid(), "team-2", from, from.AddDays(1)))).Message;

        var mine = records.Where(r => r.TeamId == "team-2").ToList();
        Assert.Equal(mine.Count, export.Lines.Sum(l => l.Requests));
        Assert.Equal(mine.GroupBy(r => (r.KeyId, r.Cost?.Currency)).Count(), export.Lines.Count);
        Assert.All(export.Lines, l => Assert.Equal(DateOnly.FromDateTime(from.UtcDateTime), l.Day));
        Assert.Equal(mine.Where(r => r.Cost?.Currency == "EUR").Sum(r => r.Cost!.Amount), export.Lines.Where(l => l.Currency == "EUR").Sum(l => l.Cost));
        Assert.Equal(mine.Sum(r => (long)(r.Usage?.PromptTokens ?? 0)), export.Lines.Sum(l => l.InputTokens));
        Assert.All(export.Lines, l => Assert.Equal(l.Currency is null ? [] : ["2026-11-23"], l.PriceTableVersions));
        Assert.Empty((await client.GetResponse<UsageExport>(new ExportUsage(NewId.NextGuid(), "team-2", from.AddDays(1), from.AddDays(2)))).Message.Lines);
        Assert.All(export.Lines, l => Assert.Equal("team-2", l.TeamId));

        // An organization's export: every team's requests and those without a team, each line naming its team.
        var ofOrg = (await client.GetResponse<UsageExport>(new ExportUsage(NewId.NextGuid(), "", from, from.AddDays(1), "org-1"))).Message;
        var org = records.Where(r => r.OrganizationId == "org-1").ToList();
        Assert.Equal(org.Count, ofOrg.Lines.Sum(l => l.Requests));
        Assert.Equal(org.GroupBy(r => (r.TeamId, r.KeyId, r.Cost?.Currency)).Count(), ofOrg.Lines.Count);
        Assert.Equal(org.Select(r => r.TeamId).Distinct().Order(StringComparer.Ordinal), ofOrg.Lines.Select(l => l.TeamId).Distinct().Order(StringComparer.Ordinal));
        Assert.True(ofOrg.Lines.Select(l => l.TeamId).Distinct().Count() > 1, "the organization's requests span teams");
        foreach (var line in ofOrg.Lines)
        {
            var ofLine = org.Where(r => r.TeamId == line.TeamId && r.KeyId == line.KeyId && r.Cost?.Currency == line.Currency).ToList();
            Assert.Equal((ofLine.Count, ofLine.Sum(r => r.Cost?.Amount ?? 0m)), (line.Requests, line.Cost));
        }
    }

    private static (double Lower, double Upper) BucketOf(double latencyMs)
    {
        double lower = 0;
        foreach (var bound in new double[] { 25, 50, 100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 102_400 })
        {
            if (latencyMs <= bound)
            {
                return (lower, bound);
            }

            lower = bound;
        }

        return (lower, lower);
    }

    /// <summary>The start (Unix seconds) of the UTC day the spec numbered <paramref name="day"/> writes its records on.</summary>
    private static long Day(int day) => new DateTimeOffset(2026, 11, 23 + day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>
    /// Request <paramref name="n"/> of a spread over three hours of day <paramref name="day"/> (one day per spec), every
    /// dimension, three currencies and every latency bucket.
    /// </summary>
    private static RecordUsage Record(int n, int day)
    {
        var finished = DateTimeOffset.FromUnixTimeSeconds(Day(day)).ToOffset(TimeSpan.FromHours(1)).AddHours(9).AddMinutes(n * 71 % 180).AddSeconds(n % 60);
        var currency = Currencies[n % Currencies.Length];
        return new RecordUsage(
            RequestId: NewId.NextGuid(),
            StartedAt: finished.AddSeconds(-2),
            FinishedAt: finished,
            PrincipalId: Principals[n % Principals.Length],
            KeyId: Keys[n / 2 % Keys.Length],
            Api: "chat.completions",
            ModelRequested: Models[n % Models.Length],
            Deployment: Deployments[n / 3 % Deployments.Length],
            Provider: "mock",
            Attempts: 1,
            Outcome: Outcomes[n % Outcomes.Length],
            Status: 200,
            ErrorCode: null,
            Usage: n % 7 == 6 ? null : new TokenUsage(PromptTokens: 100 + n, CompletionTokens: 10 + (n % 13), CachedTokens: n % 5, ReasoningTokens: n % 4, Estimated: false),
            LatencyMs: Latencies[n % Latencies.Length],
            FirstTokenMs: null,
            Stream: false,
            ClientAddress: null,
            User: null,
            Tags: null,
            PromptId: null,
            PromptVersion: null,
            Cost: currency is null ? null : new Cost(0.000_123_456_789_5m * (n + 1), currency, "2026-11-23", Estimated: false),
            TeamId: Teams[n / 4 % Teams.Length],
            OrganizationId: Organizations[n / 5 % Organizations.Length]);
    }

    private static async Task<List<KeyValuePair<RollupKey, long[]>>> ReadRollupsAsync(MeteringTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<UsageRollupReader>().ReadAsync(null);
        return [.. rows.Select(r => new KeyValuePair<RollupKey, long[]>(r.Key, r.Value.Values))];
    }

    /// <summary>The rollups counted again, independently, from every stored event.</summary>
    private static async Task<List<KeyValuePair<RollupKey, long[]>>> RecountAsync(MeteringTestHost host)
    {
        var events = await host.QueryAsync(q => q.ReadAfterAsync(0, int.MaxValue));
        var counts = new SortedDictionary<RollupKey, long[]>();
        foreach (var e in events)
        {
            var hour = e.FinishedAt.UtcDateTime;
            var hourStart = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
            var currency = e.CostCurrency ?? "";
            var values = new[] { ("all", "*"), ("key", e.KeyId), ("model", e.ModelRequested), ("user", e.PrincipalId), ("team", e.TeamId), ("org", e.OrganizationId), ("deployment", e.Deployment) }
                .Where(d => d.Item2 is not null && (d.Item1 != "user" || d.Item2.StartsWith("user:", StringComparison.Ordinal)));
            foreach (var (dimension, value) in values)
            {
                var key = new RollupKey(hourStart, dimension, value!, currency);
                if (!counts.TryGetValue(key, out var sums))
                {
                    counts[key] = sums = new long[RollupCounters.Columns.Count];
                }

                sums[0]++;
                sums[1] += e.Outcome is "ok" or "truncated" or "client_cancelled" ? 0 : 1;
                sums[2] += e.InputTokens ?? 0;
                sums[3] += e.OutputTokens ?? 0;
                sums[4] += e.CachedTokens ?? 0;
                sums[5] += e.ReasoningTokens ?? 0;
                sums[6] += e.Cost is { } cost ? (long)Math.Round(cost * 1_000_000_000m, MidpointRounding.AwayFromZero) : 0;
                var bucket = new[] { 25, 50, 100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 102_400 }.Count(b => e.LatencyMs > b);
                sums[7 + bucket]++;
            }
        }

        return [.. counts];
    }

    private Task<MeteringTestHost> StartAsync() => MeteringTestHost.StartReadyAsync(database);
}
