using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Recording;
using AiMesh.Metering.Storage;
using AiMesh.Metering.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Metering.Tests;

/// <summary>
/// Promise 2 across an ingress crash, run once per database provider: the routers' reports are kept in
/// <c>router_reports</c>, deleted once the ingress's usage event exists, and turned into the usage event when it never
/// comes (deadline + grace), exactly once however many replicas reconcile, and a late ingress record changes nothing.
/// The hosts' own reconcile loop is set to a day: each spec runs the rounds itself.
/// </summary>
public abstract class ReconcileSpecs(ITestDatabase database)
{
    private static readonly Dictionary<string, string?> ManualRounds = new()
    {
        ["Metering:Reconcile:Interval"] = "1.00:00:00",
        ["Metering:Reconcile:IngressGrace"] = "00:05:00",
    };

    [Fact]
    public async Task A_report_whose_ingress_record_came_is_deleted_and_the_ingress_event_stands()
    {
        await using var host = await StartAsync();
        var report = Report(Guid.NewGuid(), overdue: true);
        await host.SendReportsAsync(report);
        await KeptAsync(host, report.RequestId);

        var record = Usages.Full(report.RequestId);
        await host.SendAsync(record);
        await host.Published.WaitForMeteredAsync(report.RequestId);
        var round = await ReconcileAsync(host);

        Assert.True(round.Deleted >= 1);
        Assert.Empty(await KeptNowAsync(host, report.RequestId));
        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(report.RequestId));
        Assert.Equal((null, record.KeyId, record.Usage!.PromptTokens), (stored!.Source, stored.KeyId, stored.InputTokens));
        Assert.Single(host.Published.MeteredFor(report.RequestId));
    }

    [Fact]
    public async Task A_report_alone_past_its_grace_becomes_one_usage_event_with_the_routers_figures_published_once()
    {
        await using var host = await StartAsync();
        using var measurements = new MeteringMeasurements(host.Services);
        var report = Report(Guid.NewGuid(), overdue: true);
        await host.SendReportsAsync(report);
        await KeptAsync(host, report.RequestId);

        var first = await ReconcileAsync(host);
        var second = await ReconcileAsync(host);

        Assert.Equal(1, first.Recovered);
        Assert.Equal(0, second.Recovered);
        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(report.RequestId));
        Assert.Equal(UsageSources.Router, stored!.Source);
        Assert.Equal((report.PrincipalId, report.KeyId, report.TeamId, report.OrganizationId), (stored.PrincipalId, stored.KeyId, stored.TeamId, stored.OrganizationId));
        Assert.Equal((report.Deployment, report.Provider, report.Attempts, report.Outcome, report.Status), (stored.Deployment, stored.Provider, stored.Attempts, stored.Outcome, stored.Status));
        Assert.Equal((report.Usage!.PromptTokens, report.Usage.CompletionTokens, report.Usage.CachedTokens), (stored.InputTokens!.Value, stored.OutputTokens!.Value, stored.CachedTokens));
        Assert.Equal((report.Cost!.Amount, report.Cost.Currency, report.Cost.PriceTableVersion, report.Cost.Estimated), (stored.Cost!.Value, stored.CostCurrency, stored.PriceTableVersion, stored.CostEstimated!.Value));
        Assert.Equal((report.EndedAt - report.StartedAt).TotalMilliseconds, stored.LatencyMs);

        var metered = Assert.Single(host.Published.MeteredFor(report.RequestId));
        Assert.Equal((stored.EventId, UsageSources.Router, report.Cost.Amount), (metered.MessageId, metered.Message.Source, metered.Message.Cost));
        Assert.Empty(await KeptNowAsync(host, report.RequestId));
        Assert.Equal(1, measurements.Sum("aimesh.metering.usage.recovered"));
        Assert.Contains(host.Logs.Lines, e => e.EventId == 4040 && e.Text.Contains(report.RequestId.ToString(), StringComparison.Ordinal));

        // Counted in the projection like any event.
        var client = host.Harness.Bus.CreateRequestClient<QueryUsage>(Endpoints.MeteringQueriesAddress);
        var usage = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), report.EndedAt.AddDays(-1), report.EndedAt.AddDays(1), "key", [report.KeyId!], "total"))).Message;
        var row = Assert.Single(usage.Rows);
        Assert.Equal((1, (long)report.Usage.PromptTokens), (row.Requests, row.InputTokens));
    }

    [Fact]
    public async Task A_report_still_within_its_grace_waits()
    {
        await using var host = await StartAsync();
        var report = Report(Guid.NewGuid(), overdue: false);
        await host.SendReportsAsync(report);
        await KeptAsync(host, report.RequestId);

        await ReconcileAsync(host);

        Assert.Null(await host.QueryAsync(q => q.FindByRequestIdAsync(report.RequestId)));
        Assert.Equal([report.RequestId], await KeptNowAsync(host, report.RequestId));
        Assert.Empty(host.Published.MeteredFor(report.RequestId));
    }

    [Fact]
    public async Task Two_replicas_reconciling_at_once_store_each_request_once_and_publish_it_once()
    {
        await using var one = await StartAsync();
        await using var two = await StartAsync();
        var reports = Enumerable.Range(0, 60).Select(_ => Report(Guid.NewGuid(), overdue: true)).ToArray();
        await one.SendReportsAsync(reports[..30]);
        await two.SendReportsAsync(reports[30..]);
        await KeptAsync(one, [.. reports.Select(r => r.RequestId)]);

        var rounds = await Task.WhenAll(ReconcileAsync(one), ReconcileAsync(two), ReconcileAsync(one), ReconcileAsync(two));

        Assert.Equal(reports.Length, rounds.Sum(r => r.Recovered));
        foreach (var report in reports)
        {
            Assert.NotNull(await one.QueryAsync(q => q.FindByRequestIdAsync(report.RequestId)));
            Assert.Equal(1, one.Published.MeteredFor(report.RequestId).Count + two.Published.MeteredFor(report.RequestId).Count);
        }

        Assert.Empty(await KeptNowAsync(one, [.. reports.Select(r => r.RequestId)]));
    }

    [Fact]
    public async Task An_ingress_record_arriving_after_the_recovery_is_ignored_counted_and_logged_and_the_routers_figures_stand()
    {
        await using var host = await StartAsync();
        using var measurements = new MeteringMeasurements(host.Services);
        var report = Report(Guid.NewGuid(), overdue: true);
        await host.SendReportsAsync(report);
        await KeptAsync(host, report.RequestId);
        Assert.Equal(1, (await ReconcileAsync(host)).Recovered);

        await host.SendAsync(Usages.Full(report.RequestId));
        await host.Published.WaitForMeteredAsync(report.RequestId, 2);

        Assert.Equal(1, await host.QueryAsync(async q => (await q.ReadAfterAsync(0, int.MaxValue)).Count(e => e.RequestId == report.RequestId)));
        var stored = await host.QueryAsync(q => q.FindByRequestIdAsync(report.RequestId));
        Assert.Equal((UsageSources.Router, report.Usage!.PromptTokens), (stored!.Source, stored.InputTokens!.Value));
        Assert.All(host.Published.MeteredFor(report.RequestId), m => Assert.Equal(stored.EventId, m.MessageId));
        Assert.Equal(1, measurements.Sum("aimesh.metering.usage.late"));
        Assert.Single(host.Logs.Lines, e => e.EventId == 4003 && e.Text.Contains(report.RequestId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redelivered_report_batch_keeps_each_report_once_and_a_report_that_could_never_be_an_event_faults()
    {
        await using var host = await StartAsync();
        var report = Report(Guid.NewGuid(), overdue: false);
        await host.SendReportsAsync(report, report);
        await host.SendReportsAsync(report);
        await KeptAsync(host, report.RequestId);
        Assert.Equal([report.RequestId], await KeptNowAsync(host, report.RequestId));

        var broken = Report(Guid.NewGuid(), overdue: false) with { Api = null! };
        await host.SendReportsAsync(broken);
        Assert.True(await host.Harness.Published.Any<Fault<RecordRouterReports>>(f => f.Context.Message.Message.Reports.Any(r => r.RequestId == broken.RequestId)));
        Assert.Empty(await KeptNowAsync(host, broken.RequestId));

        // Alerted like a usage message in the error queue.
        Assert.True(await host.Harness.Consumed.Any<Fault<RecordRouterReports>>(f => f.Context.Message.Message.Reports.Any(r => r.RequestId == broken.RequestId)));
        Assert.Contains(host.Logs.Lines, e => e.EventId == 4030 && e.Text.Contains(broken.RequestId.ToString(), StringComparison.Ordinal));
    }

    private Task<MeteringTestHost> StartAsync() => MeteringTestHost.StartAsync(database.Provider, database.ConnectionString, ManualRounds);

    private static async Task<ReconcileRound> ReconcileAsync(MeteringTestHost host) =>
        await host.Services.GetRequiredService<UsageReconciler>().ReconcileAsync(CancellationToken.None);

    /// <summary>A report of a streamed, cut request; <paramref name="overdue"/>: its deadline 10 minutes ago (past the 5-minute grace), else in an hour.</summary>
    private static RouterReport Report(Guid requestId, bool overdue)
    {
        var now = DateTimeOffset.UtcNow;
        var deadline = overdue ? now.AddMinutes(-10) : now.AddHours(1);
        return new RouterReport(
            requestId, "user:u-" + requestId.ToString("N")[..6], "key-" + requestId.ToString("N")[..12], "team-r", "org-r", "chat.completions", "gpt-4o-mini",
            "mock-mini", "openai", 1, 1, CompletionOutcomes.Truncated, 502, "upstream_stream_truncated",
            new TokenUsage(120, 35, 20, Estimated: true), new Cost(0.0001234m, "USD", "2026-11-01", Estimated: true), 42.5, true,
            deadline.AddMinutes(-1), deadline.AddSeconds(-30), deadline);
    }

    private static async Task KeptAsync(MeteringTestHost host, params Guid[] requestIds)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await KeptNowAsync(host, requestIds)).Count < requestIds.Length)
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static async Task<IReadOnlyList<Guid>> KeptNowAsync(MeteringTestHost host, params Guid[] requestIds)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await RouterReportTable.KeptAsync(scope.ServiceProvider.GetRequiredService<MeteringDbContext>(), requestIds, CancellationToken.None);
    }
}
