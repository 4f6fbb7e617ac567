using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Reporting;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Router.Tests.Reporting;

/// <summary>
/// Every route the router handles ends in exactly one <see cref="RouterReport"/> to metering, whatever the ending,
/// carrying what the router answered (outcome, status, attempts and the billed ones, tokens, cost) and who the route
/// named: the mock provider on a real socket, the router on the in-memory bus, the reports read from what it sent.
/// </summary>
public sealed class RouteReportTests
{
    private const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";
    private const string StreamBody = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task An_answered_route_is_reported_once_with_its_principal_tokens_cost_and_deadline()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        var request = RouterHost.Chat(Body, stream: false, deadline) with { KeyId = "key-7", TeamId = "team-7", OrganizationId = "org-7" };

        var (routed, _) = await mesh.Router.RouteAsync(request);
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal(("principal-1", "key-7", "team-7", "org-7"), (report.PrincipalId, report.KeyId, report.TeamId, report.OrganizationId));
        Assert.Equal(("chat.completions", "gpt-4o-mini", "mock-chat", "openai"), (report.Api, report.ModelRequested, report.Deployment, report.Provider));
        Assert.Equal((CompletionOutcomes.Ok, 200, (string?)null), (report.Outcome, report.Status, report.ErrorCode));
        Assert.Equal((1, 1), (report.Attempts, report.BilledAttempts));
        Assert.NotNull(routed!.Usage);
        Assert.Equal(routed.Usage, report.Usage);
        Assert.Equal(routed.Cost, report.Cost);
        Assert.Equal(routed.FirstByteMs, report.FirstByteMs);
        Assert.Equal(deadline, report.Deadline);
        Assert.False(report.Stream);
        Assert.True(report.StartedAt <= report.EndedAt);
    }

    [Fact]
    public async Task A_provider_error_is_reported_once_as_the_failure_answered_and_not_billed()
    {
        await using var mesh = await RouterMesh.StartAsync("status=500");
        var request = RouterHost.Chat(Body, stream: false);

        var (_, failed) = await mesh.Router.RouteAsync(request);
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal((failed!.Outcome, failed.Status, failed.Code), (report.Outcome, report.Status, report.ErrorCode));
        // A 500 is retried (three attempts in all, RetryTests); none began an answer, so none is billed.
        Assert.Equal((3, 3, 0), (failed.Attempts, report.Attempts, report.BilledAttempts));
        Assert.Equal(failed.Cost, report.Cost);
        Assert.Equal("mock-chat", report.Deployment);
    }

    [Fact]
    public async Task A_route_refused_before_any_call_is_reported_once_with_zero_attempts()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat(Body, stream: false, model: "no-such-model");

        var (_, failed) = await mesh.Router.RouteAsync(request);
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal((404, "model_not_found"), (failed!.Status, failed.Code));
        Assert.Equal((CompletionOutcomes.Error, 404, "model_not_found"), (report.Outcome, report.Status, report.ErrorCode));
        Assert.Equal((0, 0, (string?)null), (report.Attempts, report.BilledAttempts, report.Deployment));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_stream_cut_mid_way_is_reported_once_as_truncated_and_billed()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat(StreamBody, stream: true);

        var (_, failed) = await mesh.Router.RouteAsync(request);
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal((CompletionOutcomes.Truncated, 502, "upstream_stream_truncated"), (report.Outcome, report.Status, report.ErrorCode));
        Assert.Equal((1, 1), (report.Attempts, report.BilledAttempts));
        Assert.Equal(failed!.Cost, report.Cost);
        Assert.Equal(failed.Usage, report.Usage);
        Assert.True(report.Stream);
    }

    [Fact]
    public async Task A_stream_its_client_abandoned_is_reported_once_as_client_cancelled_and_billed()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=200;pace=100");
        var request = RouterHost.Chat(StreamBody, stream: true);

        var answer = mesh.Router.RouteAsync(request);
        await mesh.Router.Chunks.WaitForAsync(request.RequestId, 3);
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(request.RequestId, "client_disconnected"));
        var (_, failed) = await answer;
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal((CompletionOutcomes.Cancelled, 499), (report.Outcome, report.Status));
        Assert.Equal((1, 1), (report.Attempts, report.BilledAttempts));
        Assert.Equal(failed!.Cost, report.Cost);
    }

    [Fact]
    public async Task A_route_abandoned_before_its_call_started_is_reported_once_with_zero_attempts()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat(StreamBody, stream: true);
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(request.RequestId, "deadline"));
        Assert.True(await mesh.Router.Harness.Consumed.Any<CompletionAbandoned>(x => x.Context.Message.RequestId == request.RequestId));

        await mesh.Router.RouteAsync(request);
        var report = await SingleReportAsync(mesh.Router, request.RequestId);

        Assert.Equal((CompletionOutcomes.Cancelled, 499, 0, 0), (report.Outcome, report.Status, report.Attempts, report.BilledAttempts));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task Concurrent_routes_each_get_exactly_one_report_and_share_batches()
    {
        await using var mesh = await RouterMesh.StartAsync("latency=50", s => s["Router:ReportLinger"] = "00:00:00.200");
        var requests = Enumerable.Range(0, 20).Select(_ => RouterHost.Chat(Body, stream: false)).ToArray();

        await Task.WhenAll(requests.Select(mesh.Router.RouteAsync));
        await DrainedAsync(mesh.Router);

        var batches = mesh.Router.Harness.Sent.Select<RecordRouterReports>().Select(m => m.Context.Message).ToArray();
        var reported = batches.SelectMany(b => b.Reports).Select(r => r.RequestId).ToArray();
        Assert.Equal(requests.Select(r => r.RequestId).Order(), reported.Order());
        Assert.True(batches.Length < requests.Length, $"{batches.Length} batches for {requests.Length} reports");
    }

    private static async Task<RouterReport> SingleReportAsync(RouterHost router, Guid requestId)
    {
        await DrainedAsync(router);
        var reports = router.Harness.Sent.Select<RecordRouterReports>()
            .SelectMany(m => m.Context.Message.Reports)
            .Where(r => r.RequestId == requestId)
            .ToArray();
        return Assert.Single(reports);
    }

    /// <summary>Until every report enqueued so far has been confirmed by the bus (it is enqueued before the answer leaves).</summary>
    private static async Task DrainedAsync(RouterHost router)
    {
        var reports = router.Services.GetRequiredService<RouteReports>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (reports.Pending > 0)
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
