using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// A public model served by several deployments (issue 6, "Model groups"; services/router/Deployments/
/// ModelGroupSelector.cs): the strategies' distributions within statistical tolerance, priority as the outer order,
/// and a call moving to the next deployment when one cannot take it. Deployment "mock-chat" (0) and "mock-chat-b" (2)
/// both serve gpt-4o-mini from the mock provider, each at a base URL of its own so the mock tells them apart.
/// </summary>
public sealed class ModelGroupTests
{
    [Fact]
    public async Task Weighted_shares_follow_the_weights_within_four_standard_deviations()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Models:gpt-4o-mini:Strategy"] = "weighted";
            s["Router:Deployments:0:Weight"] = "3";
        });
        var selector = mesh.Router.Services.GetRequiredService<IDeploymentSelector>();

        const int Draws = 10_000;
        var first = Enumerable.Range(0, Draws).Count(_ => selector.Candidates("gpt-4o-mini", "chat.completions")[0].Name == "mock-chat");

        // Binomial: 7,500 expected, standard deviation √(10,000 × 0.75 × 0.25) ≈ 43.
        Assert.InRange(first, 7_500 - 4 * 43, 7_500 + 4 * 43);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(2, selector.Candidates("gpt-4o-mini", "chat.completions").Count));

        // And through the bus: both serve calls.
        var served = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            served.Add((await mesh.Router.RouteAsync(Chat())).Routed!.Deployment);
        }

        Assert.Equal(["mock-chat", "mock-chat-b"], served.Distinct().Order());
    }

    [Fact]
    public async Task A_call_moves_to_the_next_priority_when_the_first_deployment_is_full_and_429s_when_every_one_is()
    {
        await using var mesh = await StartAsync(
            s =>
            {
                s["Router:Deployments:0:Limits:Concurrent"] = "1";
                s["Router:Deployments:2:Limits:Concurrent"] = "1";
                s["Router:Deployments:2:Priority"] = "1";

                // The limiter's 429 when every one is full; waiting for one instead is AdmissionTests' subject.
                s["Router:Admission:Enabled"] = "false";
            },
            firstScenario: "latency=2000",
            secondScenario: "latency=2000");

        var first = mesh.Router.RouteAsync(Chat());
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 1, "the first call never reached the provider");
        var second = mesh.Router.RouteAsync(Chat());
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 2, "the second call never reached the provider");
        var (_, third) = await mesh.Router.RouteAsync(Chat());

        Assert.Equal("mock-chat", (await first).Routed!.Deployment);
        Assert.Equal("mock-chat-b", (await second).Routed!.Deployment);
        Assert.Equal((429, "rate_limit_exceeded", "mock-chat-b"), (third!.Status, third.Code, third.Deployment));
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task Lowest_latency_sends_the_calls_to_the_faster_deployment()
    {
        await using var mesh = await StartAsync(s => s["Router:Models:gpt-4o-mini:Strategy"] = "lowest-latency", firstScenario: "latency=400");

        var served = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            served.Add((await mesh.Router.RouteAsync(Chat())).Routed!.Deployment);
        }

        // A deployment's first call is not measured (it pays the connection's setup and, here, the process's first
        // compilation), so the slow one is called at most twice before it has an average; after that the fast one is
        // first every time.
        Assert.InRange(served.Count(d => d == "mock-chat-b"), 18, 20);
        Assert.Equal("mock-chat-b", served[^1]);
    }

    [Fact]
    public async Task Least_in_flight_sends_a_call_to_the_idle_deployment()
    {
        await using var mesh = await StartAsync(s => s["Router:Models:gpt-4o-mini:Strategy"] = "least-in-flight", firstScenario: "latency=1500", secondScenario: "latency=1500");

        var first = mesh.Router.RouteAsync(Chat());
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 1, "the first call never reached the provider");
        var second = await mesh.Router.RouteAsync(Chat());

        Assert.NotEqual((await first).Routed!.Deployment, second.Routed!.Deployment);
    }

    [Fact]
    public async Task Lowest_cost_prefers_the_cheaper_deployment_and_falls_back_to_the_dearer_one()
    {
        await using var mesh = await StartAsync(
            s =>
            {
                s["Router:Models:gpt-4o-mini:Strategy"] = "lowest-cost";
                s["Router:Deployments:0:Price:Input"] = "5";
                s["Router:Deployments:0:Price:Output"] = "15";
                s["Router:Deployments:2:Price:Input"] = "0.1";
                s["Router:Deployments:2:Price:Output"] = "0.4";
                s["Router:Deployments:2:Limits:Concurrent"] = "1";
            },
            secondScenario: "latency=1500");

        var cheap = mesh.Router.RouteAsync(Chat());
        await UntilAsync(() => mesh.Mock.Recorder.Snapshot().Count == 1, "the first call never reached the provider");
        var (dear, _) = await mesh.Router.RouteAsync(Chat());

        Assert.Equal("mock-chat-b", (await cheap).Routed!.Deployment);
        Assert.Equal("mock-chat", dear!.Deployment);
    }

    [Fact]
    public async Task Capacity_aware_shares_follow_the_room_left_and_a_full_deployment_comes_last()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Models:gpt-4o-mini:Strategy"] = "capacity-aware";
            s["Router:Deployments:0:Limits:RequestsPerMinute"] = "100";
            s["Router:Deployments:2:Limits:TokensPerMinute"] = "10000";
        });
        var selector = mesh.Router.Services.GetRequiredService<IDeploymentSelector>();

        // Another replica started 90 of mock-chat's 100 calls this minute: 0.1 of its room is left, mock-chat-b has all.
        await mesh.Router.Harness.Bus.Publish(new Health.DeploymentHealthReport(Guid.NewGuid(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1),
            [new Health.DeploymentHealthSnapshot("mock-chat", 0, 0, 0, 0, "closed", 0, 0, null, null, RequestsLastMinute: 90)]));
        var stats = mesh.Router.Services.GetRequiredService<DeploymentStats>();
        var chat = mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == "mock-chat");
        await UntilAsync(() => stats.LastMinute(chat).Requests == 90, "the peer's calls of the last minute were not counted");

        const int Draws = 10_000;
        var first = Enumerable.Range(0, Draws).Count(_ => selector.Candidates("gpt-4o-mini", "chat.completions")[0].Name == "mock-chat");

        // Binomial: p = 0.1 / 1.1, 909 expected, standard deviation √(10,000 × p × (1 − p)) ≈ 29.
        Assert.InRange(first, 909 - 4 * 29, 909 + 4 * 29);

        // mock-chat-b's tokens this minute (its own calls, through the bus) fill it: then it comes last every time.
        await mesh.Router.Harness.Bus.Publish(new Health.DeploymentHealthReport(Guid.NewGuid(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1),
            [new Health.DeploymentHealthSnapshot("mock-chat-b", 0, 0, 0, 0, "closed", 0, 0, null, null, TokensLastMinute: 10_000)]));
        var b = mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == "mock-chat-b");
        await UntilAsync(() => stats.LastMinute(b).Tokens >= 10_000, "the peer's tokens of the last minute were not counted");
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(["mock-chat", "mock-chat-b"], selector.Candidates("gpt-4o-mini", "chat.completions").Select(d => d.Name)));

        // A call counts toward its deployment's minute: requests at the start, the provider's tokens at the end.
        var before = stats.LocalLastMinute(chat);
        var routed = (await mesh.Router.RouteAsync(Chat())).Routed!;
        var after = stats.LocalLastMinute(chat);
        Assert.Equal("mock-chat", routed.Deployment);
        Assert.Equal((before.Requests + 1, before.Tokens + routed.Usage!.PromptTokens + routed.Usage.CompletionTokens), after);
    }

    [Fact]
    public async Task A_strategy_the_router_does_not_know_or_a_group_of_no_model_stops_the_start()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings["Router:Models:gpt-4o-mini:Strategy"] = "fastest";
        settings["Router:Models:gpt-5:Strategy"] = "weighted";
        settings["Router:Deployments:0:Weight"] = "-1";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains("Router:Models:gpt-4o-mini:Strategy must be", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Models:gpt-5 names a model no deployment serves", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Weight must be from 0", StringComparison.Ordinal));
    }

    /// <summary>The router mesh with a second gpt-4o-mini deployment; each at a scenario of its own (or none).</summary>
    private static Task<RouterMesh> StartAsync(Action<Dictionary<string, string?>> configure, string? firstScenario = null, string? secondScenario = null) =>
        RouterMesh.StartAsync(firstScenario ?? "latency=1", s =>
        {
            var mock = new Uri(DeploymentSettings.MockRoot(s));
            var root = new Uri(mock.GetLeftPart(UriPartial.Authority));
            DeploymentSettings.Add(s, 2, "mock-chat-b", "gpt-4o-mini", "openai", new Uri(ScenarioRoot(root, secondScenario ?? "latency=2"), "v1").ToString(), "mock-gpt", "chat.completions");
            configure(s);
        });

    private static Uri ScenarioRoot(Uri mock, string scenario) => new(mock, $"/s/{scenario}/");

    private static RouteCompletion Chat() =>
        RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""", stream: false);

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
