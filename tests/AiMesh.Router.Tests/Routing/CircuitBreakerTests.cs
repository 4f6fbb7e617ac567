using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// A circuit breaker per deployment (issue 6, "Health"; services/router/Deployments/CircuitBreakers.cs): consecutive
/// failures or an error rate open it, an open deployment gets no calls, a half-open one one probe, and the break time
/// grows while the probes fail. Through the bus against mock faults, and the rules on the class itself.
/// </summary>
public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task A_deployment_failing_in_a_row_is_passed_over_for_the_next_one_until_its_break_is_over()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=500;tag={Guid.NewGuid():N}", s =>
        {
            var root = new Uri(new Uri(DeploymentSettings.MockRoot(s)).GetLeftPart(UriPartial.Authority));
            DeploymentSettings.Add(s, 2, "mock-chat-b", "gpt-4o-mini", "openai", new Uri(root, "v1").ToString(), "mock-gpt", "chat.completions");
            s["Router:Deployments:2:Priority"] = "1";
            s["Router:Health:ConsecutiveFailures"] = "3";
            s["Router:Health:BreakTime"] = "00:01:00";

            // One attempt per request, so each request is one failure of the first deployment.
            s["Router:Retries:MaxAttempts"] = "1";
        });

        var failures = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add((await mesh.Router.RouteAsync(Chat())).Failed!.Status);
        }

        var (routed, failed) = await mesh.Router.RouteAsync(Chat());

        Assert.Equal([500, 500, 500], failures);
        Assert.True(routed is not null, failed?.Message);
        Assert.Equal("mock-chat-b", routed.Deployment);
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count(r => r.Scenario is not null));
        Assert.Equal(CircuitState.Open, mesh.Router.Services.GetRequiredService<CircuitBreakers>().StateOf(Deployment(mesh, "mock-chat")));
    }

    [Fact]
    public async Task An_open_circuit_answers_503_without_calling_then_its_probe_closes_it_when_the_deployment_recovered()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=503;statusCount=2;tag={Guid.NewGuid():N}", s =>
        {
            s["Router:Health:ConsecutiveFailures"] = "2";
            s["Router:Health:BreakTime"] = "00:00:01";
            s["Router:Retries:MaxAttempts"] = "1";
        });
        var breakers = mesh.Router.Services.GetRequiredService<CircuitBreakers>();
        var deployment = Deployment(mesh, "mock-chat");

        await mesh.Router.RouteAsync(Chat());
        await mesh.Router.RouteAsync(Chat());
        var (_, resting) = await mesh.Router.RouteAsync(Chat());
        Assert.Equal((503, "deployment_unavailable", 0), (resting!.Status, resting.Code, resting.Attempts));
        Assert.InRange(resting.RetryAfterSeconds!.Value, 1, 1);
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);

        await UntilAsync(() => breakers.StateOf(deployment) == CircuitState.HalfOpen, "the break never ended");
        var (probe, probeFailed) = await mesh.Router.RouteAsync(Chat());
        var (after, _) = await mesh.Router.RouteAsync(Chat());

        Assert.True(probe is not null, probeFailed?.Message);
        Assert.NotNull(after);
        Assert.Equal(CircuitState.Closed, breakers.StateOf(deployment));
        Assert.Equal(4, mesh.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public void A_failed_probe_reopens_the_circuit_for_twice_as_long_and_only_one_call_probes()
    {
        var time = new ManualTime();
        var breakers = Breakers(time, new HealthOptions { ConsecutiveFailures = 1, BreakTime = TimeSpan.FromSeconds(10) });
        var deployment = Deployment("flaky");

        Assert.True(breakers.TryEnter(deployment, out var first) && !first);
        breakers.Record(deployment, Failure(FailureKind.Unreachable), first);
        Assert.False(breakers.TryEnter(deployment, out _));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breakers.TryEnter(deployment, out var probe) && probe);
        Assert.False(breakers.TryEnter(deployment, out _));
        breakers.Record(deployment, Failure(FailureKind.UpstreamStatus, 502), probe);

        Assert.Equal(TimeSpan.FromSeconds(20), breakers.ClosedIn(deployment));
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(breakers.TryEnter(deployment, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breakers.TryEnter(deployment, out var second) && second);
        breakers.Record(deployment, new CallOutcome { Attempts = 1, AnswerStarted = true }, second);

        Assert.Equal(CircuitState.Closed, breakers.StateOf(deployment));
        Assert.True(breakers.TryEnter(deployment, out var after) && !after);
    }

    [Fact]
    public void The_error_rate_opens_the_circuit_once_enough_calls_were_seen_and_what_says_nothing_of_health_is_not_counted()
    {
        var time = new ManualTime();
        var breakers = Breakers(time, new HealthOptions { ConsecutiveFailures = 0, ErrorRate = 0.5, MinimumCalls = 10 });
        var deployment = Deployment("half-broken");

        // 4xx, 429, a client that left: never failures, however many.
        foreach (var notUnwell in new[] { Failure(FailureKind.UpstreamStatus, 429), Failure(FailureKind.UpstreamStatus, 400), Failure(FailureKind.Cancelled) })
        {
            for (var i = 0; i < 20; i++)
            {
                breakers.Record(deployment, notUnwell, probe: false);
            }
        }

        Assert.Equal(CircuitState.Closed, breakers.StateOf(deployment));

        // A fresh window: 9 calls, 5 failed, are not yet enough calls; the 10th (a success) makes 5 of 10.
        time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 9; i++)
        {
            breakers.Record(deployment, i % 2 == 0 ? Failure(FailureKind.FirstByteTimeout) : Ok(), probe: false);
        }

        Assert.Equal(CircuitState.Closed, breakers.StateOf(deployment));
        breakers.Record(deployment, Failure(FailureKind.UpstreamStatus, 503), probe: false);
        Assert.Equal(CircuitState.Open, breakers.StateOf(deployment));
    }

    private static CircuitBreakers Breakers(TimeProvider time, HealthOptions health) => new(
        Options.Create(new RouterOptions { Health = health }), new Health.PeerHealth(time), time, new RouterMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<CircuitBreakers>.Instance);

    private static Deployment Deployment(string name) => new(
        name, "gpt-4o-mini", "openai", new Uri("http://127.0.0.1:9/v1/"), "mock-gpt", null, new Dictionary<string, string>(), ["chat.completions"], "aimesh", 0);

    private static Deployment Deployment(RouterMesh mesh, string name) =>
        mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == name);

    private static CallOutcome Failure(FailureKind kind, int? status = null) => new() { Failure = new ProviderFailure(kind, status), Attempts = 1 };

    private static CallOutcome Ok() => new() { Attempts = 1, AnswerStarted = true };

    private static Contracts.Routing.RouteCompletion Chat() =>
        RouterHost.Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""", stream: false);

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(50);
        }
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long ticks = TimeSpan.FromDays(1).Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public override DateTimeOffset GetUtcNow() => new(ticks, TimeSpan.Zero);

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
