using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// A deployment's capacity (<c>Router:Deployments:N:Limits</c>, services/router/Deployments/DeploymentLimiter.cs):
/// charged before the call, given back after it, shared by router replicas through Redis. A call without room is
/// answered 429 and the provider never sees it (with waiting for capacity off, <c>Router:Admission:Enabled</c> false; a
/// call larger than a limit is refused at once either way, since it would never fit). Concurrency is used where a count must be exact (slots are held until
/// the call ends, so no window boundary can change the count).
/// </summary>
public sealed class DeploymentLimitTests
{
    private const string SlowScenario = "latency=1500";

    [Fact]
    public async Task A_call_beyond_the_deployments_concurrency_is_refused_without_reaching_the_provider_and_the_slot_comes_back()
    {
        await using var mesh = await RouterMesh.StartAsync(SlowScenario, s =>
        {
            s["Router:Deployments:0:Limits:Concurrent"] = "1";

            // The limiter's own refusal; waiting for the slot instead is AdmissionTests' subject.
            s["Router:Admission:Enabled"] = "false";
        });

        var first = mesh.Router.RouteAsync(Chat("first"));
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 1, "the first call never reached the provider");
        var (_, refused) = await mesh.Router.RouteAsync(Chat("second"));
        var (served, _) = await first;
        var (third, _) = await mesh.Router.RouteAsync(Chat("third"));

        Assert.NotNull(served);
        Assert.Equal((429, "rate_limit_error", "rate_limit_exceeded", 1, 0), (refused!.Status, refused.Type, refused.Code, refused.RetryAfterSeconds, refused.Attempts));
        Assert.Contains("1 calls at once", refused.Message, StringComparison.Ordinal);
        Assert.Equal("mock-chat", refused.Deployment);
        Assert.NotNull(third);
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task Tokens_per_minute_are_charged_with_max_tokens_and_corrected_by_the_usage_the_provider_reported()
    {
        if (DateTimeOffset.UtcNow.Second >= 50)
        {
            // Both calls in one minute window: the correction is what this test is about, not the window's turn.
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second));
        }

        await using var mesh = await RouterMesh.StartAsync(configure: s => s["Router:Deployments:0:Limits:TokensPerMinute"] = "400");

        // Each call is charged about 20 (a quarter of its body) + 200 before it runs; 2 × 220 would not fit in 400, so the
        // second fits only because the first was corrected to what the provider reported using.
        var (first, _) = await mesh.Router.RouteAsync(Chat("first", maxTokens: 200));
        var (second, refusedSecond) = await mesh.Router.RouteAsync(Chat("second", maxTokens: 200));
        var (_, tooBig) = await mesh.Router.RouteAsync(Chat("third", maxTokens: 390));

        Assert.True(first!.Usage!.PromptTokens + first.Usage.CompletionTokens < 100, $"the mock used {first.Usage}");
        Assert.True(second is not null, $"refused: {refusedSecond?.Message}");
        Assert.Equal((429, "rate_limit_exceeded"), (tooBig!.Status, tooBig.Code));
        Assert.Contains("400 tokens per minute", tooBig.Message, StringComparison.Ordinal);
        Assert.InRange(tooBig.RetryAfterSeconds!.Value, 1, 60);
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task Two_router_replicas_sharing_redis_hold_one_deployments_concurrency_between_them()
    {
        var prefix = "router-limits-" + Guid.NewGuid().ToString("N");
        void Shared(Dictionary<string, string?> s)
        {
            s["Router:Deployments:0:Limits:Concurrent"] = "1";
            s["Router:Limits:Store"] = "Redis";
            s["Router:Limits:Redis"] = Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379";
            s["Router:Limits:RedisPrefix"] = prefix;

            // About sharing, not falling back: a loaded machine can pass the 250 ms default.
            s["Router:Limits:StoreTimeout"] = "00:00:05";

            // The shared count refuses replica two at once; waiting for it through Redis is AdmissionTests'.
            s["Router:Admission:Enabled"] = "false";
        }

        await using var mesh = await RouterMesh.StartAsync(SlowScenario, Shared);
        var settings = RouterHost.Settings(new Uri(mesh.Mock.ScenarioAddress(SlowScenario), "v1"), new Uri(mesh.Mock.BaseAddress, "v1"));
        Shared(settings);
        await using var other = await RouterHost.StartAsync(settings);

        var first = mesh.Router.RouteAsync(Chat("on replica one"));
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 1, "the first call never reached the provider");
        var (_, refused) = await other.RouteAsync(Chat("on replica two"));
        var (served, _) = await first;
        var (afterwards, failed) = await other.RouteAsync(Chat("on replica two, later"));

        Assert.NotNull(served);
        Assert.Equal((429, "rate_limit_exceeded"), (refused!.Status, refused.Code));
        Assert.True(afterwards is not null, failed?.Message);
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task A_limit_the_router_cannot_read_stops_the_start_naming_it()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings["Router:Deployments:0:Limits:RequestsPerMinute"] = "10000000000";
        settings["Router:Deployments:1:Limits:Concurrent"] = "0";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains("Router:Deployments:0:Limits", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Deployments:1:Limits: every limit must be at least 1", StringComparison.Ordinal));
    }

    private static Contracts.Routing.RouteCompletion Chat(string text, int? maxTokens = null) => RouterHost.Chat(
        $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]{{(maxTokens is { } m ? $",\"max_tokens\":{m}" : "")}}}""",
        stream: false);

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(20);
        }
    }
}
