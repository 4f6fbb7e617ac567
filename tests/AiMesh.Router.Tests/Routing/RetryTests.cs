using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Retries against mock-provider faults (issue 6, "Retries"; services/router/Resilience/RetryPipeline.cs and
/// Routing/CallAttempts.cs): exact attempt counts per scenario, only what is safe retried, a provider's Retry-After
/// honoured, another deployment tried first, one deadline, a retry budget. The mock records every call it got, so the
/// counts are what the provider saw. Each scenario carries a tag of its own so <c>statusCount</c> counters never meet.
/// </summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_server_error_is_tried_three_times_in_all_and_its_status_kept()
    {
        await using var mesh = await RouterMesh.StartAsync(Spec("status=500"));

        var (_, failed) = await mesh.Router.RouteAsync(Chat());

        Assert.Equal((500, "upstream_error", 3), (failed!.Status, failed.Code, failed.Attempts));
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task A_passing_outage_is_ridden_out_and_the_answer_counts_its_attempts()
    {
        await using var mesh = await RouterMesh.StartAsync(Spec("status=503;statusCount=2"));

        var (routed, failed) = await mesh.Router.RouteAsync(Chat());

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(3, routed.Attempts);
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task What_a_second_try_cannot_mend_is_tried_once()
    {
        foreach (var scenario in new[] { "status=400", "status=401", "status=404", "status=422" })
        {
            await using var mesh = await RouterMesh.StartAsync(Spec(scenario));

            var (_, failed) = await mesh.Router.RouteAsync(Chat());

            Assert.True(failed!.Attempts == 1, $"{scenario}: {failed.Attempts} attempts");
            Assert.Single(mesh.Mock.Recorder.Snapshot());
        }
    }

    [Fact]
    public async Task A_rate_limit_waits_for_its_retry_after_on_the_same_deployment_and_a_long_one_goes_back_to_the_client()
    {
        await using var shortWait = await RouterMesh.StartAsync(Spec("status=429;retryAfter=1;statusCount=1"));
        await using var longWait = await RouterMesh.StartAsync(Spec("status=429;retryAfter=60"));

        var (routed, _) = await shortWait.Router.RouteAsync(Chat());
        var (_, refused) = await longWait.Router.RouteAsync(Chat());

        Assert.Equal(2, routed!.Attempts);
        var calls = shortWait.Mock.Recorder.Snapshot();
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].ReceivedAt - calls[0].ReceivedAt >= TimeSpan.FromSeconds(0.9), "the retry did not wait for Retry-After");
        Assert.Equal((429, 60, 1), (refused!.Status, refused.RetryAfterSeconds, refused.Attempts));
        Assert.Single(longWait.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_failing_deployment_hands_the_call_to_the_next_one_at_once()
    {
        await using var mesh = await RouterMesh.StartAsync(Spec("status=503;retryAfter=30"), s =>
        {
            var root = new Uri(new Uri(DeploymentSettings.MockRoot(s)).GetLeftPart(UriPartial.Authority));
            DeploymentSettings.Add(s, 2, "mock-chat-b", "gpt-4o-mini", "openai", new Uri(root, "v1").ToString(), "mock-gpt", "chat.completions");
            s["Router:Deployments:2:Priority"] = "1";
        });

        var (routed, failed) = await mesh.Router.RouteAsync(Chat());

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(("mock-chat-b", 2), (routed.Deployment, routed.Attempts));
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task A_stream_that_failed_before_its_first_chunk_is_retried_and_one_cut_after_chunks_is_not()
    {
        await using var early = await RouterMesh.StartAsync(Spec("status=502;statusCount=1"));
        await using var cut = await RouterMesh.StartAsync(Spec("cutAfter=2"));

        var (routed, failedEarly) = await early.Router.RouteAsync(Stream());
        var (_, failed) = await cut.Router.RouteAsync(Stream());

        Assert.True(routed is not null, failedEarly?.Message);
        Assert.Equal(2, routed.Attempts);
        Assert.True(routed.ChunkCount > 0);
        Assert.Equal((1, true), (failed!.Attempts, failed.ChunkCount > 0));
        Assert.Single(cut.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task No_retry_is_made_when_it_could_not_finish_before_the_deadline_or_the_budget_is_spent()
    {
        await using var mesh = await RouterMesh.StartAsync(Spec("status=503"));
        await using var broke = await RouterMesh.StartAsync(Spec("status=503"), s =>
        {
            s["Router:Retries:BudgetRatio"] = "0";
            s["Router:Retries:BudgetMinPerSecond"] = "0";
        });

        // Two seconds left: less than the longest backoff (2 s) and a call after it.
        var (_, late) = await mesh.Router.RouteAsync(Chat(DateTimeOffset.UtcNow.AddSeconds(2)));
        var (_, unfunded) = await broke.Router.RouteAsync(Chat());

        Assert.Equal((503, 1), (late!.Status, late.Attempts));
        Assert.Equal((503, 1), (unfunded!.Status, unfunded.Attempts));
        Assert.Single(broke.Mock.Recorder.Snapshot());
    }

    private static string Spec(string scenario) => $"{scenario};tag={Guid.NewGuid():N}";

    private static RouteCompletion Chat(DateTimeOffset? deadline = null) =>
        RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""", stream: false, deadline);

    private static RouteCompletion Stream() =>
        RouterHost.Chat("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""", stream: true);
}
