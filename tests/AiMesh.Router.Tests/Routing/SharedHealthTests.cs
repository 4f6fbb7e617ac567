using AiMesh.Contracts;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Health;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Deployment health and load shared by the router replicas (issue 6, "Model groups" and "Health";
/// services/router/Health): each replica publishes what it sees, the others open the circuits it opened, count its
/// calls in their error rates and its calls in flight in their strategies, and forget it when it stops reporting; any
/// replica answers <c>/admin/deployments</c> with the merged view. Through the bus, a report published by the test
/// standing for another replica, and on the classes with a clock the test moves.
/// </summary>
public sealed class SharedHealthTests
{
    private static readonly Guid Peer = Guid.NewGuid();

    [Fact]
    public async Task A_circuit_another_replica_opened_sends_this_replicas_calls_to_the_next_deployment_without_touching_it()
    {
        await using var mesh = await TwoDeployments(s => s["Router:Deployments:2:Priority"] = "1");
        var breakers = mesh.Router.Services.GetRequiredService<CircuitBreakers>();

        await PublishAsync(mesh, Snapshot("mock-chat") with { Circuit = "open", OpenForMs = 60_000, OpensInARow = 1 });
        await UntilAsync(() => breakers.StateOf(Deployment(mesh, "mock-chat")) == CircuitState.Open, "the peer's open circuit was not adopted");
        var served = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (routed, failed) = await mesh.Router.RouteAsync(Chat());
            Assert.True(routed is not null, failed?.Message);
            served.Add(routed.Deployment);
        }

        Assert.All(served, d => Assert.Equal("mock-chat-b", d));
        Assert.DoesNotContain(mesh.Mock.Recorder.Snapshot(), r => r.Scenario is not null);
        Assert.InRange(breakers.ClosedIn(Deployment(mesh, "mock-chat")).TotalSeconds, 50, 60);
    }

    [Fact]
    public async Task A_circuit_this_replica_opens_is_reported_to_the_others_at_once_not_at_the_next_interval()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=500;tag={Guid.NewGuid():N}", s =>
        {
            s["Router:Health:ConsecutiveFailures"] = "2";
            s["Router:Health:BreakTime"] = "00:01:00";
            s["Router:Health:ShareInterval"] = "00:01:00";
            s["Router:Retries:MaxAttempts"] = "1";
        });

        await mesh.Router.RouteAsync(Chat());
        var opened = DateTime.UtcNow;
        await mesh.Router.RouteAsync(Chat());

        var report = await ReportAsync(mesh, r => r.Deployments.Any(d => d.Name == "mock-chat" && d.Circuit == "open"));
        Assert.True(DateTime.UtcNow - opened < TimeSpan.FromSeconds(30), "the open circuit waited for the interval");
        var snapshot = report.Deployments.Single(d => d.Name == "mock-chat");
        Assert.Equal((2, 2, 1, "UpstreamStatus 500"), (snapshot.Calls, snapshot.Failures, snapshot.OpensInARow, snapshot.LastError));
        Assert.InRange(snapshot.OpenForMs, 30_000, 60_000);
        Assert.Equal(mesh.Router.Services.GetRequiredService<PeerHealth>().Self, report.Replica);
    }

    [Fact]
    public async Task Least_in_flight_counts_the_calls_another_replica_has_at_a_deployment()
    {
        await using var mesh = await TwoDeployments(s => s["Router:Models:gpt-4o-mini:Strategy"] = "least-in-flight");
        await PublishAsync(mesh, Snapshot("mock-chat") with { InFlight = 40 });
        var stats = mesh.Router.Services.GetRequiredService<DeploymentStats>();
        await UntilAsync(() => stats.InFlight(Deployment(mesh, "mock-chat")) == 40, "the peer's calls in flight were not counted");

        var served = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            served.Add((await mesh.Router.RouteAsync(Chat())).Routed!.Deployment);
        }

        Assert.All(served, d => Assert.Equal("mock-chat-b", d));
    }

    [Fact]
    public async Task Admin_deployments_merges_this_replica_and_its_peers_calls_latency_and_circuits()
    {
        await using var mesh = await TwoDeployments(s => s["Router:Deployments:2:Priority"] = "1");
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await mesh.Router.RouteAsync(Chat())).Routed);
        }

        await PublishAsync(mesh,
            Snapshot("mock-chat") with { InFlight = 4, LatencyMs = 1_000, Calls = 10, Failures = 6, LastError = "FirstByteTimeout", LastErrorAt = DateTimeOffset.UtcNow },
            Snapshot("mock-chat-b") with { Circuit = "open", OpenForMs = 20_000, OpensInARow = 2 });
        var peers = mesh.Router.Services.GetRequiredService<PeerHealth>();
        await UntilAsync(() => peers.Count == 1, "the peer's report never arrived");

        var client = mesh.Router.Harness.Bus.CreateRequestClient<ListDeploymentHealth>(Endpoints.RouterAddress, RequestTimeout.After(s: 30));
        var listed = (await client.GetResponse<DeploymentHealthListed>(new ListDeploymentHealth(Guid.NewGuid()))).Message;

        Assert.Equal(2, listed.Replicas);
        var a = listed.Deployments.Single(d => d.Name == "mock-chat");
        Assert.Equal(("closed", 0, 4, 13, 6, "FirstByteTimeout"), (a.Circuit, a.OpenOn, a.InFlight, a.Calls, a.Failures, a.LastError));
        Assert.Equal(Math.Round(6 / 13.0, 3), a.ErrorRate);
        Assert.NotNull(a.LatencyMs);
        Assert.True(a.LatencyMs > 400 && a.LatencyMs < 1_000, $"the mean of this replica's latency and the peer's 1000 ms: {a.LatencyMs}");
        var b = listed.Deployments.Single(d => d.Name == "mock-chat-b");
        // Open on both: the peer's, and this replica's, which took the peer's open circuit over.
        Assert.Equal(("open", 2, 1), (b.Circuit, b.OpenOn, b.Priority));
        Assert.InRange(b.OpenForSeconds!.Value, 10, 20);
        Assert.Contains(listed.Deployments, d => d.Name == "mock-embeddings" && d.Model == "text-embedding-3-small");
    }

    [Fact]
    public void The_error_rate_counts_every_replicas_calls_in_the_window()
    {
        var time = new ManualTime();
        var health = new HealthOptions { ConsecutiveFailures = 0, ErrorRate = 0.5, MinimumCalls = 20 };
        var deployment = Deployment("a");

        // Alone, 5 calls are below the minimum; with a peer's 15 calls (9 failed) in its window, 5 more (3 failed) open it.
        foreach (var peers in new[] { new PeerHealth(time), WithPeer(time, Snapshot("a") with { Calls = 15, Failures = 9 }) })
        {
            var breakers = Breakers(time, health, peers);
            for (var i = 0; i < 5; i++)
            {
                breakers.Record(deployment, i < 3 ? Failure() : Ok(), probe: false);
            }

            breakers.Record(deployment, Failure(), probe: false);
            Assert.Equal(peers.Any ? CircuitState.Open : CircuitState.Closed, breakers.StateOf(deployment));
        }
    }

    [Fact]
    public void A_peers_report_is_forgotten_three_of_its_intervals_after_it_arrived_and_a_replicas_own_is_never_taken()
    {
        var time = new ManualTime();
        var peers = WithPeer(time, Snapshot("a") with { InFlight = 7, Calls = 3 });
        Assert.False(peers.Accept(new DeploymentHealthReport(peers.Self, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), [Snapshot("a") with { InFlight = 100 }])));

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal((7, 1, (3, 0)), (peers.InFlight("a"), peers.Count, peers.Window("a")));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((0, 0, (0, 0)), (peers.InFlight("a"), peers.Count, peers.Window("a")));
    }

    [Fact]
    public void An_adopted_open_never_shortens_a_longer_break_nor_disturbs_a_probe_that_is_out()
    {
        var time = new ManualTime();
        var breakers = Breakers(time, new HealthOptions { ConsecutiveFailures = 1, BreakTime = TimeSpan.FromSeconds(10) }, new PeerHealth(time));
        var deployment = Deployment("a");

        Assert.True(breakers.Adopt(deployment, TimeSpan.FromSeconds(30), opensInARow: 1));
        Assert.False(breakers.Adopt(deployment, TimeSpan.FromSeconds(5), opensInARow: 1));
        Assert.Equal(TimeSpan.FromSeconds(30), breakers.ClosedIn(deployment));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(breakers.TryEnter(deployment, out var probe));
        Assert.True(probe);
        Assert.False(breakers.Adopt(deployment, TimeSpan.FromSeconds(30), opensInARow: 2));
        Assert.Equal(CircuitState.HalfOpen, breakers.StateOf(deployment));

        // The probe fails: the break doubles from the adopted count of opens in a row (1): 20 s.
        breakers.Record(deployment, Failure(), probe: true);
        Assert.Equal(TimeSpan.FromSeconds(20), breakers.ClosedIn(deployment));
    }

    private static Task<RouterMesh> TwoDeployments(Action<Dictionary<string, string?>> configure) =>
        RouterMesh.StartAsync($"tag={Guid.NewGuid():N}", s =>
        {
            var root = new Uri(new Uri(DeploymentSettings.MockRoot(s)).GetLeftPart(UriPartial.Authority));
            DeploymentSettings.Add(s, 2, "mock-chat-b", "gpt-4o-mini", "openai", new Uri(root, "v1").ToString(), "mock-gpt", "chat.completions");
            configure(s);
        });

    private static async Task PublishAsync(RouterMesh mesh, params DeploymentHealthSnapshot[] snapshots) =>
        await mesh.Router.Harness.Bus.Publish(new DeploymentHealthReport(Peer, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), snapshots));

    private static async Task<DeploymentHealthReport> ReportAsync(RouterMesh mesh, Func<DeploymentHealthReport, bool> match)
    {
        DeploymentHealthReport? found = null;
        await UntilAsync(() => (found = mesh.Router.Harness.Published.Select<DeploymentHealthReport>().Select(m => m.Context.Message).FirstOrDefault(match)) is not null,
            "no such report was published");
        return found!;
    }

    private static PeerHealth WithPeer(TimeProvider time, params DeploymentHealthSnapshot[] snapshots)
    {
        var peers = new PeerHealth(time);
        Assert.True(peers.Accept(new DeploymentHealthReport(Peer, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), snapshots)));
        return peers;
    }

    private static DeploymentHealthSnapshot Snapshot(string name) => new(name, 0, 0, 0, 0, "closed", 0, 0, null, null);

    private static CircuitBreakers Breakers(TimeProvider time, HealthOptions health, PeerHealth peers) => new(
        Options.Create(new RouterOptions { Health = health }), peers, time,
        new RouterMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        NullLogger<CircuitBreakers>.Instance);

    private static Deployment Deployment(string name) => new(
        name, "gpt-4o-mini", "openai", new Uri("http://127.0.0.1:9/v1/"), "mock-gpt", null, new Dictionary<string, string>(), ["chat.completions"], "aimesh", 0);

    private static Deployment Deployment(RouterMesh mesh, string name) =>
        mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == name);

    private static CallOutcome Failure() => new() { Failure = new ProviderFailure(FailureKind.UpstreamStatus, 503), Attempts = 1 };

    private static CallOutcome Ok() => new() { Attempts = 1, AnswerStarted = true };

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
