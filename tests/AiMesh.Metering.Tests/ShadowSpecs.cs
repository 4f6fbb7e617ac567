using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Reporting;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Metering.Tests;

/// <summary>
/// Shadow traffic on metering's side, run once per database provider: the routers' <see cref="RecordShadowResults"/> are
/// kept once per request and shadow model however often they come, never become usage, and are compared and listed on
/// the read side (<see cref="QueryShadowComparison"/>, <see cref="QueryShadowResults"/>) with exact figures, within the
/// scope the asker names. Each spec uses models of its own, so the specs share the database without seeing each other.
/// </summary>
public abstract class ShadowSpecs(ITestDatabase database)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_redelivered_or_duplicated_batch_keeps_each_result_once_the_first_standing_and_none_becomes_usage()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        using var measurements = new MeteringMeasurements(host.Services);
        var model = Model();
        var one = Result(model, "cand", Guid.NewGuid(), minute: 1);
        var two = Result(model, "cand", Guid.NewGuid(), minute: 2);
        var otherCandidate = one with { ShadowModel = "cand-2", ShadowDurationMs = 77 };

        await host.SendShadowResultsAsync(one, one with { ShadowDurationMs = 999 }, two);

        // The duplicates are sent once the first batch is in: batches are consumed concurrently, so a second batch sent
        // at once may be stored first, and "the first standing" would be a race (CI once kept the 888).
        await ConsumedAsync(host, 1);
        await host.SendShadowResultsAsync(one with { ShadowDurationMs = 888 }, two, otherCandidate);
        await host.SendShadowResultsAsync(one, two);
        await KeptAsync(host, (one.RequestId, 2), (two.RequestId, 1));
        await ConsumedAsync(host, 3);

        Assert.Equal((2, 1), (await CountAsync(host, one.RequestId), await CountAsync(host, two.RequestId)));
        Assert.Equal(3, measurements.Sum("aimesh.metering.shadow_results.kept"));
        var listed = await ListAsync(host, model, "cand", 0, 10);
        Assert.Equal([two, one], listed.Results);

        // Not usage: no event, no UsageMetered, nothing in the rollups.
        Assert.Null(await host.QueryAsync(q => q.FindByRequestIdAsync(one.RequestId)));
        Assert.Empty(host.Published.MeteredFor(one.RequestId));
        var usage = await AskAsync<QueryUsage, UsageReport>(host, new QueryUsage(NewId.NextGuid(), Day, Day.AddDays(1), "model", [model], "total"));
        Assert.Empty(usage.Rows);
    }

    [Fact]
    public async Task The_comparison_of_a_known_set_has_exact_counts_medians_means_tokens_costs_and_similarity_per_comparison_and_currency()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var model = Model();
        ShadowResult[] results =
        [
            Result(model, "cand", Guid.NewGuid(), 1, primaryMs: 100, shadowMs: 150, primary: (10, 5, 0.001m), shadow: (10, 7, 0.0005m), similarity: 0.8),
            Result(model, "cand", Guid.NewGuid(), 2, primaryMs: 300, shadowMs: 250, primary: (20, 10, 0.002m), shadow: (20, 12, 0.001m), similarity: 0.6),
            Result(model, "cand", Guid.NewGuid(), 3, primaryMs: 200, shadowMs: 50, primary: (30, 15, 0.003m), shadow: null, similarity: null) with
            {
                ShadowStatus = 502, ShadowErrorCode = "upstream_error",
            },
            Result(model, "cand", Guid.NewGuid(), 4, primaryMs: 1000, shadowMs: 400, primary: null, shadow: (5, 5, 0.0001m), similarity: null) with { PrimaryStatus = 500 },
            Result(model, "cand", Guid.NewGuid(), 5, primaryMs: 40, shadowMs: 60, primary: (1, 1, 0.01m), shadow: (1, 2, 0.02m), similarity: 1, currency: "EUR"),
            Result(model, "cand-b", Guid.NewGuid(), 6, primaryMs: 10, shadowMs: 20, primary: null, shadow: null, similarity: 0),
            Result(model, "cand", Guid.NewGuid(), 60 * 30, primaryMs: 5, shadowMs: 5, primary: (1000, 1000, 1m), shadow: (1000, 1000, 1m), similarity: 0),
        ];
        await host.SendShadowResultsAsync(results);
        await KeptAsync(host, [.. results.Select(r => (r.RequestId, 1))]);

        var comparison = await AskAsync<QueryShadowComparison, ShadowComparison>(host, new QueryShadowComparison(NewId.NextGuid(), Day, Day.AddDays(1), model, null, null, null));

        Assert.Null(comparison.Error);
        Assert.Equal([(model, "cand", "EUR"), (model, "cand", "USD"), (model, "cand-b", null)], comparison.Rows.Select(r => (r.PrimaryModel, r.ShadowModel, r.Currency)));
        Assert.All(comparison.Rows, r => Assert.Equal(model, r.ModelRequested));

        // The one ended a day later (30 hours after midnight) is outside the period; the one without costs has no currency.
        var usd = comparison.Rows[1];
        Assert.Equal((4L, 1L, 1L), (usd.Requests, usd.PrimaryFailures, usd.ShadowFailures));
        Assert.Equal((200d, 200d), (usd.PrimaryLatencyP50Ms!.Value, usd.PrimaryLatencyMeanMs!.Value));
        Assert.Equal((250d, (150d + 250d + 400d) / 3), (usd.ShadowLatencyP50Ms!.Value, usd.ShadowLatencyMeanMs!.Value));
        Assert.Equal((60L, 30L, 35L, 24L), (usd.PrimaryPromptTokens, usd.PrimaryCompletionTokens, usd.ShadowPromptTokens, usd.ShadowCompletionTokens));
        Assert.Equal((0.006m, 0.0016m, 3L, 3L), (usd.PrimaryCost, usd.ShadowCost, usd.PrimaryCosted, usd.ShadowCosted));
        Assert.Equal(2, usd.Compared);
        Assert.Equal(0.7, usd.MeanSimilarity!.Value, 12);

        var eur = comparison.Rows[0];
        Assert.Equal((1L, 0.01m, 0.02m), (eur.Requests, eur.PrimaryCost, eur.ShadowCost));
        Assert.Equal((1d, 40d, 60d), (eur.MeanSimilarity!.Value, eur.PrimaryLatencyP50Ms!.Value, eur.ShadowLatencyP50Ms!.Value));
        var uncosted = comparison.Rows[2];
        Assert.Equal((1L, 0m, 0L, 0m, 0L), (uncosted.Requests, uncosted.PrimaryCost, uncosted.PrimaryCosted, uncosted.ShadowCost, uncosted.ShadowCosted));
        Assert.Equal((1L, 0d), (uncosted.Compared, uncosted.MeanSimilarity!.Value));

        // The model filter matches the shadow model too; a period that ends before it starts is an error, not an empty answer.
        var byCandidate = await AskAsync<QueryShadowComparison, ShadowComparison>(host, new QueryShadowComparison(NewId.NextGuid(), Day, Day.AddDays(2), "cand-b", null, null, null));
        Assert.Contains(byCandidate.Rows, r => r.ModelRequested == model && r.ShadowModel == "cand-b");
        Assert.DoesNotContain(byCandidate.Rows, r => r.ShadowModel == "cand");
        var whole = await AskAsync<QueryShadowComparison, ShadowComparison>(host, new QueryShadowComparison(NewId.NextGuid(), Day, Day.AddDays(2), model, null, null, null));
        Assert.Equal(5, whole.Rows.Single(r => r.ShadowModel == "cand" && r.Currency == "USD").Requests);
        var backwards = await AskAsync<QueryShadowComparison, ShadowComparison>(host, new QueryShadowComparison(NewId.NextGuid(), Day, Day, model, null, null, null));
        Assert.NotNull(backwards.Error);
        Assert.Empty(backwards.Rows);
    }

    [Fact]
    public async Task The_scope_keeps_one_organization_and_then_only_the_named_teams_and_keys_however_many_are_named()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var model = Model();
        var t1k1 = Result(model, "cand", Guid.NewGuid(), 1) with { OrganizationId = "org-1", TeamId = "t1", KeyId = "k1" };
        var t2k2 = Result(model, "cand", Guid.NewGuid(), 2) with { OrganizationId = "org-1", TeamId = "t2", KeyId = "k2" };
        var k3 = Result(model, "cand", Guid.NewGuid(), 3) with { OrganizationId = "org-1", TeamId = null, KeyId = "k3" };
        var elsewhere = Result(model, "cand", Guid.NewGuid(), 4) with { OrganizationId = "org-2", TeamId = "t1", KeyId = "k1" };
        var configured = Result(model, "cand", Guid.NewGuid(), 5) with { OrganizationId = null, TeamId = null, KeyId = "configured" };
        await host.SendShadowResultsAsync(t1k1, t2k2, k3, elsewhere, configured);
        await KeptAsync(host, [.. new[] { t1k1, t2k2, k3, elsewhere, configured }.Select(r => (r.RequestId, 1))]);

        Assert.Equal(5, await RequestsAsync(host, model, null, null, null));
        Assert.Equal(3, await RequestsAsync(host, model, "org-1", null, null));
        Assert.Equal(2, await RequestsAsync(host, model, "org-1", ["t1"], ["k3"]));
        Assert.Equal(1, await RequestsAsync(host, model, "org-1", null, ["k2"]));
        Assert.Equal(0, await RequestsAsync(host, model, "org-1", [], []));

        // A scope larger than a statement takes is filtered in memory, to the same answer, pages included.
        var many = Enumerable.Range(0, ShadowResultTable.MaxScopeValuesInStatement).Select(i => "team-" + i).Append("t1").ToArray();
        Assert.Equal(2, await RequestsAsync(host, model, "org-1", many, ["k3"]));
        var first = await ListAsync(host, model, "cand", 0, 1, "org-1", many, ["k3"]);
        var second = await ListAsync(host, model, "cand", 1, 1, "org-1", many, ["k3"]);
        Assert.Equal([k3], first.Results);
        Assert.Equal([t1k1], second.Results);
        Assert.Equal((true, false), (first.More, second.More));
    }

    [Fact]
    public async Task One_comparisons_results_are_listed_newest_first_in_pages_as_the_router_sent_them()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var model = Model();
        var results = Enumerable.Range(1, 5).Select(i => Result(model, "cand", Guid.NewGuid(), i, similarity: i / 10d)).ToArray();
        var otherCandidate = Result(model, "cand-b", Guid.NewGuid(), 6);
        await host.SendShadowResultsAsync([.. results, otherCandidate]);
        await KeptAsync(host, [.. results.Append(otherCandidate).Select(r => (r.RequestId, 1))]);

        var pages = new[] { await ListAsync(host, model, "cand", 0, 2), await ListAsync(host, model, "cand", 2, 2), await ListAsync(host, model, "cand", 4, 2) };

        Assert.Equal([true, true, false], pages.Select(p => p.More));
        Assert.Equal(results.Reverse(), pages.SelectMany(p => p.Results));
        var refused = await ListAsync(host, model, "cand", 0, ShadowReports.MaxPage + 1);
        Assert.NotNull(refused.Error);
    }

    [Fact]
    public async Task A_result_that_could_never_be_compared_faults_its_batch_at_once_and_is_alerted()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var model = Model();
        var broken = Result(model, "cand", Guid.NewGuid(), 1) with { Similarity = 1.5 };
        var unnamed = Result(model, "cand", Guid.NewGuid(), 2) with { ShadowModel = null! };

        await host.SendShadowResultsAsync(broken);
        await host.SendShadowResultsAsync(unnamed);

        Assert.True(await host.Harness.Published.Any<Fault<RecordShadowResults>>(f => f.Context.Message.Message.Results.Any(r => r.RequestId == broken.RequestId)));
        Assert.True(await host.Harness.Consumed.Any<Fault<RecordShadowResults>>(f => f.Context.Message.Message.Results.Any(r => r.RequestId == unnamed.RequestId)));
        Assert.Equal(0, await CountAsync(host, broken.RequestId));
        Assert.Contains(host.Logs.Lines, e => e.EventId == 4063 && e.Text.Contains(broken.RequestId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_database_down_a_batch_waits_instead_of_faulting_and_is_kept_once_it_is_up()
    {
        await using var down = await database.CreateSwitchableAsync(up: false);
        await using var host = await MeteringTestHost.StartAsync(database.Provider, down.ConnectionString);
        var result = Result(Model(), "cand", Guid.NewGuid(), 1);

        // Down for longer than short retries would last: the shared endpoint's outage retry holds the batch.
        await host.SendShadowResultsAsync(result);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Empty(host.Published.ShadowFaultsFor(result.RequestId));

        await down.ComeUpAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            while (!host.SchemaReady)
            {
                await Task.Delay(50, limit.Token);
            }
        }

        await KeptAsync(host, (result.RequestId, 1));
        Assert.Empty(host.Published.ShadowFaultsFor(result.RequestId));
    }

    [Fact]
    public async Task The_sweep_deletes_the_results_that_ended_before_the_retention_and_keeps_the_rest()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var model = Model();
        var old = Result(model, "cand", Guid.NewGuid(), 0) with { EndedAt = Day.AddDays(-91) };
        var recent = Result(model, "cand", Guid.NewGuid(), 0) with { EndedAt = Day.AddDays(-89) };
        await host.SendShadowResultsAsync(old, recent);
        await KeptAsync(host, (old.RequestId, 1), (recent.RequestId, 1));

        var deleted = await host.Services.GetRequiredService<ShadowResultRetention>().SweepAsync(Day, CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Equal((0, 1), (await CountAsync(host, old.RequestId), await CountAsync(host, recent.RequestId)));
        Assert.Contains(host.Logs.Lines, e => e.EventId == 4061);
    }

    private static string Model() => "m-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>
    /// A result of <paramref name="model"/> (requested and primary) shadowed to <paramref name="shadowModel"/>, ended
    /// <paramref name="minute"/> minutes after <see cref="Day"/>; both sides answered unless the caller says otherwise.
    /// </summary>
    private static ShadowResult Result(
        string model, string shadowModel, Guid requestId, int minute, double primaryMs = 120, double shadowMs = 180,
        (int Prompt, int Completion, decimal Cost)? primary = null, (int Prompt, int Completion, decimal Cost)? shadow = null,
        double? similarity = 0.5, string currency = "USD")
    {
        var ended = Day.AddMinutes(minute);
        return new ShadowResult(
            requestId, "key-s", "team-s", "org-s", "chat.completions", model, model, "primary-deployment", 200, primaryMs,
            primary is { } p ? new TokenUsage(p.Prompt, p.Completion) : null, primary is { } pc ? new Cost(pc.Cost, currency, "2026-11-01") : null,
            shadowModel, "shadow-deployment", 200, null, shadowMs,
            shadow is { } s ? new TokenUsage(s.Prompt, s.Completion, Estimated: true) : null, shadow is { } sc ? new Cost(sc.Cost, currency, "2026-11-01", Estimated: true) : null,
            similarity, ended.AddMilliseconds(-Math.Max(primaryMs, shadowMs)), ended);
    }

    private static async Task<long> RequestsAsync(MeteringTestHost host, string model, string? organization, IReadOnlyList<string>? teams, IReadOnlyList<string>? keys)
    {
        var answer = await AskAsync<QueryShadowComparison, ShadowComparison>(host, new QueryShadowComparison(NewId.NextGuid(), Day, Day.AddDays(1), model, organization, teams, keys));
        Assert.Null(answer.Error);
        return answer.Rows.Sum(r => r.Requests);
    }

    private static Task<ShadowResultsPage> ListAsync(
        MeteringTestHost host, string model, string shadowModel, int offset, int limit, string? organization = null, IReadOnlyList<string>? teams = null, IReadOnlyList<string>? keys = null) =>
        AskAsync<QueryShadowResults, ShadowResultsPage>(host, new QueryShadowResults(NewId.NextGuid(), Day, Day.AddDays(1), model, model, shadowModel, organization, teams, keys, offset, limit));

    private static async Task<TResponse> AskAsync<TRequest, TResponse>(MeteringTestHost host, TRequest request)
        where TRequest : class
        where TResponse : class
    {
        var client = host.Harness.Bus.CreateRequestClient<TRequest>(Endpoints.MeteringQueriesAddress);
        return (await client.GetResponse<TResponse>(request)).Message;
    }

    private static async Task ConsumedAsync(MeteringTestHost host, int messages)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (host.Harness.Consumed.Select<RecordShadowResults>().Count() < messages)
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static async Task KeptAsync(MeteringTestHost host, params (Guid RequestId, int Count)[] expected)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var (requestId, count) in expected)
        {
            while (await CountAsync(host, requestId) < count)
            {
                await Task.Delay(20, limit.Token);
            }
        }
    }

    private static async Task<int> CountAsync(MeteringTestHost host, Guid requestId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await ShadowResultTable.CountAsync(scope.ServiceProvider.GetRequiredService<MeteringDbContext>(), requestId, CancellationToken.None);
    }
}
