using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;

namespace AiMesh.Metering.Tests;

/// <summary>
/// Prompt experiments on metering's side, run once per database provider: a caller's score of its own request kept once
/// (a later one replaces it, one that arrives before its request's event waits for it), another's request refused like an unknown one, and a prompt's figures per version
/// (<see cref="QueryPromptStats"/>) with exact counts, error rate, nearest-rank latencies, tokens, cost per currency and
/// the feedback joined by request id, within the period and organization asked. Each spec uses a prompt of its own.
/// </summary>
public abstract class PromptExperimentSpecs(ITestDatabase database)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_score_is_kept_for_the_requests_key_or_user_replaced_by_a_later_one_and_refused_to_anyone_else()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var prompt = Prompt();
        var usage = Usage(prompt, "1", minute: 1) with { KeyId = "key-a", PrincipalId = "user:alice" };
        await StoredAsync(host, usage);

        var first = await FeedbackAsync(host, usage.RequestId, 1, "key-a", "user:alice");
        var second = await FeedbackAsync(host, usage.RequestId, -0.5, "key-other", "user:alice");
        var stranger = await FeedbackAsync(host, usage.RequestId, 1, "key-b", "user:bob");
        var teamKey = await FeedbackAsync(host, usage.RequestId, 1, "key-c", "team:t1");
        var unknown = await FeedbackAsync(host, Guid.NewGuid(), 1, "key-a", "user:alice");
        var outOfRange = await FeedbackAsync(host, usage.RequestId, 1.5, "key-a", "user:alice");

        Assert.Equal((false, 1d), (((FeedbackRecorded)first).Replaced, ((FeedbackRecorded)first).Score));
        Assert.Equal((true, -0.5), (((FeedbackRecorded)second).Replaced, ((FeedbackRecorded)second).Score));
        Assert.Equal((404, "request_not_found"), (((FeedbackRefused)stranger).Status, ((FeedbackRefused)stranger).Code));
        Assert.Equal(404, ((FeedbackRefused)teamKey).Status);
        Assert.Equal(((FeedbackRefused)stranger).Message, ((FeedbackRefused)unknown).Message);
        Assert.Equal((400, "invalid_score"), (((FeedbackRefused)outOfRange).Status, ((FeedbackRefused)outOfRange).Code));

        // One score per request, the last: the stats count it once at -0.5.
        var stats = Assert.Single((await StatsAsync(host, prompt)).Versions);
        Assert.Equal((1L, -0.5), (stats.FeedbackCount, stats.FeedbackMean!.Value));
    }

    [Fact]
    public async Task Stats_per_version_have_exact_counts_error_rate_latency_percentiles_tokens_costs_and_mean_feedback()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var prompt = Prompt();
        RecordUsage[] one =
        [
            .. Enumerable.Range(1, 20).Select(i => Usage(prompt, "1", minute: i, latencyMs: i * 10, tokens: (100, 10), cost: 0.001m)),
            Usage(prompt, "1", minute: 30, latencyMs: 5_000, tokens: null, cost: null) with { Outcome = CompletionOutcomes.Error, Status = 502 },
            Usage(prompt, "1", minute: 31, latencyMs: 7_000, tokens: null, cost: null) with { Outcome = CompletionOutcomes.TimedOut, Status = 504 },
            Usage(prompt, "1", minute: 32, latencyMs: 1, tokens: (5, 0), cost: null) with { Outcome = CompletionOutcomes.Cancelled, Status = 499 },
        ];
        RecordUsage[] two =
        [
            Usage(prompt, "2", minute: 40, latencyMs: 100, tokens: (200, 20), cost: 0.002m),
            Usage(prompt, "2", minute: 41, latencyMs: 300, tokens: (200, 20), cost: 0.01m, currency: "EUR"),
        ];
        var outside = Usage(prompt, "2", minute: 60 * 30, latencyMs: 9, tokens: (1, 1), cost: 1m);
        var otherOrganization = Usage(prompt, "2", minute: 50, latencyMs: 9, tokens: (1, 1), cost: 1m) with { OrganizationId = "org-2" };
        var otherPrompt = Usage(Prompt(), "1", minute: 51, latencyMs: 9, tokens: (1, 1), cost: 1m);
        await StoredAsync(host, [.. one, .. two, outside, otherOrganization, otherPrompt]);
        foreach (var (usage, score) in new[] { (one[0], 1d), (one[1], 0d), (one[20], -1d), (two[0], 1d) })
        {
            Assert.IsType<FeedbackRecorded>(await FeedbackAsync(host, usage.RequestId, score, usage.KeyId, usage.PrincipalId));
        }

        var report = await StatsAsync(host, prompt, "org-1");

        Assert.Null(report.Error);
        Assert.Equal(["1", "2"], report.Versions.Select(v => v.Version));
        var v1 = report.Versions[0];
        Assert.Equal((23L, 2L), (v1.Requests, v1.Errors));
        Assert.Equal(2d / 23, v1.ErrorRate, 12);

        // Sorted latencies: 1, 10, 20, …, 200, 5000, 7000. Nearest rank: p50 is the 12th (110), p95 the 22nd (5000).
        Assert.Equal((110d, 5_000d), (v1.LatencyP50Ms!.Value, v1.LatencyP95Ms!.Value));
        Assert.Equal((1 + 2_100 + 5_000 + 7_000) / 23d, v1.LatencyMeanMs!.Value, 9);
        Assert.Equal((2_005L, 200L), (v1.InputTokens, v1.OutputTokens));
        Assert.Equal(0.020m, Assert.Single(v1.Cost, c => c.Key == "USD").Value);
        Assert.Equal((3L, 0d), (v1.FeedbackCount, v1.FeedbackMean!.Value));

        var v2 = report.Versions[1];
        Assert.Equal((2L, 0L, 0d), (v2.Requests, v2.Errors, v2.ErrorRate));
        Assert.Equal((100d, 300d, 200d), (v2.LatencyP50Ms!.Value, v2.LatencyP95Ms!.Value, v2.LatencyMeanMs!.Value));
        Assert.Equal((0.002m, 0.01m), (v2.Cost["USD"], v2.Cost["EUR"]));
        Assert.Equal((1L, 1d), (v2.FeedbackCount, v2.FeedbackMean!.Value));

        // Without the organization: the other organization's request counts too; a backwards period is an error.
        Assert.Equal(3L, (await StatsAsync(host, prompt)).Versions[1].Requests);
        var backwards = await AskAsync<QueryPromptStats, PromptStatsReport>(host, new QueryPromptStats(NewId.NextGuid(), prompt, Day, Day, null));
        Assert.NotNull(backwards.Error);
        Assert.Empty(backwards.Versions);
    }

    [Fact]
    public async Task Feedback_that_arrives_before_its_requests_usage_event_waits_for_it_and_is_kept()
    {
        await using var host = await MeteringTestHost.StartReadyAsync(database);
        var usage = Usage(Prompt(), "1", minute: 1) with { KeyId = "key-a", PrincipalId = "user:alice" };

        // The client scores the answer at once; the request's usage record is still on its way (here: sent later).
        var scored = FeedbackAsync(host, usage.RequestId, 1, "key-a", "user:alice");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(scored.IsCompleted, "metering waits for the event instead of answering 404");
        await StoredAsync(host, usage);

        var recorded = Assert.IsType<FeedbackRecorded>(await scored);
        Assert.Equal((usage.RequestId, 1d), (recorded.ScoredRequestId, recorded.Score));
    }

    private static string Prompt() => $"prompt-{Guid.NewGuid():N}";

    private static RecordUsage Usage(
        string prompt, string version, int minute, double latencyMs = 100, (int Input, int Output)? tokens = null, decimal? cost = null, string currency = "USD")
    {
        var finished = Day.AddMinutes(minute);
        return Usages.Minimal(Guid.NewGuid()) with
        {
            StartedAt = finished.AddMilliseconds(-latencyMs),
            FinishedAt = finished,
            PrincipalId = "user:alice",
            KeyId = "key-a",
            Api = "chat.completions",
            Outcome = CompletionOutcomes.Ok,
            Status = 200,
            LatencyMs = latencyMs,
            Usage = tokens is { } t ? new TokenUsage(t.Input, t.Output) : null,
            Cost = cost is { } amount ? new Cost(amount, currency, "prices-1") : null,
            PromptId = prompt,
            PromptVersion = version,
            OrganizationId = "org-1",
        };
    }

    private static async Task<PromptStatsReport> StatsAsync(MeteringTestHost host, string prompt, string? organization = null) =>
        await AskAsync<QueryPromptStats, PromptStatsReport>(host, new QueryPromptStats(NewId.NextGuid(), prompt, Day, Day.AddDays(1), organization));

    private static async Task<object> FeedbackAsync(MeteringTestHost host, Guid requestId, double score, string keyId, string principalId)
    {
        var client = host.Harness.Bus.CreateRequestClient<RecordFeedback>(Endpoints.MeteringQueriesAddress);
        var response = await client.GetResponse<FeedbackRecorded, FeedbackRefused>(new RecordFeedback(NewId.NextGuid(), requestId, score, "words", keyId, principalId));
        return response.Is(out Response<FeedbackRecorded>? recorded)
            ? recorded.Message
            : response.Is(out Response<FeedbackRefused>? refused) ? refused.Message : throw new InvalidOperationException("Unexpected response type.");
    }

    private static async Task<TResponse> AskAsync<TRequest, TResponse>(MeteringTestHost host, TRequest request)
        where TRequest : class
        where TResponse : class
    {
        var client = host.Harness.Bus.CreateRequestClient<TRequest>(Endpoints.MeteringQueriesAddress);
        return (await client.GetResponse<TResponse>(request)).Message;
    }

    private static async Task StoredAsync(MeteringTestHost host, params RecordUsage[] usages)
    {
        foreach (var usage in usages)
        {
            await host.SendAsync(usage);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var usage in usages)
        {
            while (await host.QueryAsync(q => q.FindByRequestIdAsync(usage.RequestId)) is null)
            {
                await Task.Delay(20, limit.Token);
            }
        }
    }
}
