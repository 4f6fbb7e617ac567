using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.MockProvider;
using AiMesh.Router.Reporting;
using AiMesh.Router.Shadowing;
using AiMesh.Router.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Shadowing;

/// <summary>
/// Shadow traffic through the router's queue, against the mock provider on a real socket (issue 6;
/// services/router/Shadowing/ShadowTraffic.cs). gpt-4o-mini (deployment mock-chat, upstream mock-gpt, 8-word answers)
/// shadows to gpt-candidate (deployment candidate, upstream mock-candidate, under a mock scenario of the test's own);
/// what the mock recorded says which was called, and the results are read from what the router sent to metering.
/// </summary>
public sealed partial class ShadowTrafficTests
{
    private const string Hello = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";
    private const string StreamHello = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello"}]}""";
    private const string CandidateUpstream = "mock-candidate";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RouterMesh, ShadowTap> Taps = [];

    [Fact]
    public async Task With_percent_100_the_candidate_gets_the_request_the_answer_is_unchanged_and_both_sides_are_recorded()
    {
        await using var plain = await StartAsync("tokens=4", percent: null);
        await using var mesh = await StartAsync("tokens=4");
        var without = (await plain.Router.RouteAsync(Chat(Hello))).Routed!;
        var request = Chat(Hello) with { KeyId = "key-1", TeamId = "team-1", OrganizationId = "org-1" };

        var (routed, failed) = await mesh.Router.RouteAsync(request);
        var result = await SingleResultAsync(mesh, request.RequestId);

        // The client's answer: what it is without a shadow (the mock's clock aside), in every field metered.
        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(WithoutClock(without.Body!), WithoutClock(routed.Body!));
        Assert.Equal((without.Status, without.Deployment, without.Attempts, without.Usage, without.Cost, without.ChunkCount),
            (routed.Status, routed.Deployment, routed.Attempts, routed.Usage, routed.Cost, routed.ChunkCount));

        // The candidate got the client's request, under its own upstream name.
        var sent = JsonNode.Parse(Assert.Single(Calls(mesh, CandidateUpstream)).Body)!;
        Assert.Equal("hello", sent["messages"]![0]!["content"]!.GetValue<string>());

        Assert.Equal((request.RequestId, "key-1", "team-1", "org-1", "chat.completions", "gpt-4o-mini"),
            (result.RequestId, result.KeyId, result.TeamId, result.OrganizationId, result.Api, result.ModelRequested));
        Assert.Equal(("gpt-4o-mini", "mock-chat", 200), (result.PrimaryModel, result.PrimaryDeployment, result.PrimaryStatus));
        Assert.Equal(routed.Usage, result.PrimaryUsage);
        Assert.Equal(routed.Cost, result.PrimaryCost);
        Assert.Equal(("gpt-candidate", "candidate", 200, (string?)null), (result.ShadowModel, result.ShadowDeployment, result.ShadowStatus, result.ShadowErrorCode));
        Assert.Equal(4, result.ShadowUsage!.CompletionTokens);
        Assert.True(result.ShadowCost!.Amount > 0, $"shadow cost {result.ShadowCost.Amount}");
        Assert.NotEqual(result.PrimaryCost!.PriceTableVersion, result.ShadowCost.PriceTableVersion);

        // "This is a deterministic" against "This is a deterministic reply from the AiMesh": 4 / (√4 · √8).
        Assert.Equal(1 / Math.Sqrt(2), result.Similarity!.Value, 9);
        Assert.True(result.PrimaryDurationMs > 0 && result.ShadowDurationMs > 0);
        Assert.True(result.StartedAt <= result.EndedAt);

        // The request's one report is the primary's: the shadow adds none.
        await DrainedReportsAsync(mesh);
        var report = Assert.Single(Tap(mesh).Reports, r => r.RequestId == request.RequestId);
        Assert.Equal(("mock-chat", 1, routed.Cost), (report.Deployment, report.Attempts, report.Cost));
    }

    [Fact]
    public async Task A_streamed_primary_is_shadowed_without_a_stream_and_its_chunks_are_unchanged()
    {
        await using var plain = await StartAsync("tokens=4", percent: null);
        await using var mesh = await StartAsync("tokens=4");
        var baseline = Chat(StreamHello, stream: true);
        var without = (await plain.Router.RouteAsync(baseline)).Routed!;
        var baselineChunks = await plain.Router.Chunks.WaitForAsync(baseline.RequestId, without.ChunkCount);
        var request = Chat(StreamHello, stream: true);

        var (routed, failed) = await mesh.Router.RouteAsync(request);
        var result = await SingleResultAsync(mesh, request.RequestId);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed!.ChunkCount);

        Assert.True(failed is null, failed?.Message);
        Assert.Equal(without.ChunkCount, routed.ChunkCount);
        Assert.Equal(baselineChunks.Select(c => WithoutClock(c.Data)), chunks.Select(c => WithoutClock(c.Data)));
        Assert.Equal(routed.ChunkCount, chunks.Count);

        // Asked for a whole answer: no stream, no stream options.
        var sent = JsonNode.Parse(Assert.Single(Calls(mesh, CandidateUpstream)).Body)!.AsObject();
        Assert.False(sent.TryGetPropertyValue("stream", out var stream) && stream!.GetValue<bool>());
        Assert.False(sent.ContainsKey("stream_options"));

        // The primary's text is its deltas'.
        Assert.Equal((200, 200), (result.PrimaryStatus, result.ShadowStatus));
        Assert.Equal(1 / Math.Sqrt(2), result.Similarity!.Value, 9);
    }

    [Fact]
    public async Task A_failing_shadow_is_recorded_once_without_a_retry_or_a_fallback_and_the_answer_is_unchanged()
    {
        await using var plain = await StartAsync("status=500", percent: null);
        await using var mesh = await StartAsync("status=500", s => s["Router:Models:gpt-candidate:Fallbacks:0"] = "gpt-4o-mini");
        var without = (await plain.Router.RouteAsync(Chat(Hello))).Routed!;
        var request = Chat(Hello);

        var (routed, _) = await mesh.Router.RouteAsync(request);
        var result = await SingleResultAsync(mesh, request.RequestId);

        Assert.Equal(WithoutClock(without.Body!), WithoutClock(routed!.Body!));
        Assert.Equal(("candidate", 500, "upstream_error"), (result.ShadowDeployment, result.ShadowStatus, result.ShadowErrorCode));
        Assert.Null(result.Similarity);
        Assert.Equal(0m, result.ShadowCost!.Amount);

        // A 500 is retried for a client (three attempts) and gpt-candidate falls back to gpt-4o-mini: not for a shadow.
        Assert.Single(Calls(mesh, CandidateUpstream));
        Assert.Single(Calls(mesh, "mock-gpt"));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3012]", StringComparison.Ordinal) && l.Contains("upstream_error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shadow_failures_count_in_the_candidate_s_circuit_and_an_open_circuit_is_recorded_as_refused_without_a_call()
    {
        await using var mesh = await StartAsync("status=503", s =>
        {
            s["Router:Health:ConsecutiveFailures"] = "1";
            s["Router:Health:BreakTime"] = "00:05:00";
            s["Router:Health:MaxBreakTime"] = "00:05:00";
        });
        using var skipped = new SkipCounter(mesh.Router.Services.GetRequiredService<IMeterFactory>());
        var first = Chat(Hello);
        var second = Chat(Hello);

        await mesh.Router.RouteAsync(first);
        var failed = await SingleResultAsync(mesh, first.RequestId);
        var (routed, _) = await mesh.Router.RouteAsync(second);
        var refused = await SingleResultAsync(mesh, second.RequestId);

        Assert.Equal(200, routed!.Status);
        Assert.Equal(("candidate", 503), (failed.ShadowDeployment, failed.ShadowStatus));
        Assert.Equal(((string?)null, 503, "deployment_unavailable", 0d), (refused.ShadowDeployment, refused.ShadowStatus, refused.ShadowErrorCode, refused.ShadowDurationMs));
        Assert.Equal(0m, refused.ShadowCost!.Amount);
        Assert.Single(Calls(mesh, CandidateUpstream));
        Assert.Equal(1, skipped.Of("refused"));
    }

    [Fact]
    public async Task A_held_shadow_delays_no_answer_and_is_cancelled_at_stop_without_a_record()
    {
        await using var plain = await StartAsync("latency=600000", percent: null);
        await using var mesh = await StartAsync("latency=600000", Patient);
        var without = (await plain.Router.RouteAsync(Chat(Hello))).Routed!;

        var first = (await mesh.Router.RouteAsync(Chat(Hello))).Routed;
        var held = await StartedAsync(mesh, CandidateUpstream);
        var second = (await mesh.Router.RouteAsync(Chat(Hello))).Routed;
        await SettledAsync(mesh, 2, running: 2);

        // Both answers came while the first shadow call was still held by the mock.
        Assert.False(held.Finished);
        Assert.Equal(WithoutClock(without.Body!), WithoutClock(first!.Body!));
        Assert.Equal(200, second!.Status);
        Assert.Equal(2, Traffic(mesh).Running);

        await Traffic(mesh).StopAsync(CancellationToken.None);
        var cancelled = await mesh.Mock.Recorder.WaitForAsync(r => r.Id == held.Id, Patience);

        Assert.True(cancelled.Cancelled);
        Assert.Equal(0, Traffic(mesh).Running);
        await DrainedResultsAsync(mesh);
        Assert.Empty(Results(mesh));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3014]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shadow_past_its_timeout_is_recorded_as_timed_out_and_the_client_is_not_concerned()
    {
        await using var mesh = await StartAsync("latency=600000", s => s["Router:Shadow:Timeout"] = "00:00:01");
        var request = Chat(Hello);

        var (routed, _) = await mesh.Router.RouteAsync(request);
        var result = await SingleResultAsync(mesh, request.RequestId);

        Assert.Equal(200, routed!.Status);
        Assert.Equal(("candidate", 504, "deadline_exceeded"), (result.ShadowDeployment, result.ShadowStatus, result.ShadowErrorCode));
        Assert.Null(result.Similarity);
        Assert.True((await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(CandidateUpstream, StringComparison.Ordinal), Patience)).Cancelled);
    }

    [Fact]
    public async Task Percent_30_shadows_a_share_of_400_requests_within_four_standard_deviations()
    {
        await using var mesh = await StartAsync(null, s => s["Router:Shadow:MaxConcurrent"] = "400", percent: 30);
        var requests = Enumerable.Range(0, 400).Select(_ => Chat(Hello)).ToArray();

        foreach (var batch in requests.Chunk(16))
        {
            await Task.WhenAll(batch.Select(mesh.Router.RouteAsync));
        }

        await SettledAsync(mesh, requests.Length);
        var shadowed = Calls(mesh, CandidateUpstream).Count;
        var results = Results(mesh);

        // Binomial: σ = √(400 · 0.3 · 0.7) ≈ 9.2.
        Assert.InRange(shadowed, 120 - 37, 120 + 37);
        Assert.Equal(shadowed, results.Count);
        Assert.Equal(shadowed, results.Select(r => r.RequestId).Distinct().Count());
        Assert.All(results, r => Assert.Contains(r.RequestId, requests.Select(q => q.RequestId)));
        Assert.Equal(400, Calls(mesh, "mock-gpt").Count);
    }

    [Theory]
    [InlineData(0d)]
    [InlineData(null)]
    public async Task Percent_0_or_no_shadow_setting_sends_nothing_to_the_candidate(double? percent)
    {
        await using var mesh = await StartAsync(null, percent: percent);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await mesh.Router.RouteAsync(Chat(i % 2 == 0 ? Hello : StreamHello, stream: i % 2 == 1))).Routed!.Status);
        }

        await SettledAsync(mesh, 20);
        Assert.Empty(Calls(mesh, CandidateUpstream));
        Assert.Empty(Results(mesh));
    }

    [Fact]
    public async Task A_full_pool_skips_the_shadow_and_counts_it()
    {
        await using var mesh = await StartAsync("latency=600000", s =>
        {
            Patient(s);
            s["Router:Shadow:MaxConcurrent"] = "1";
        });
        using var skipped = new SkipCounter(mesh.Router.Services.GetRequiredService<IMeterFactory>());

        await mesh.Router.RouteAsync(Chat(Hello));
        var held = await StartedAsync(mesh, CandidateUpstream);
        var second = Chat(Hello);
        var (routed, _) = await mesh.Router.RouteAsync(second);
        await SettledAsync(mesh, 2, running: 1);

        Assert.Equal(200, routed!.Status);
        Assert.Equal(1, skipped.Of("pool_full"));
        Assert.Single(Calls(mesh, CandidateUpstream));
        Assert.False(held.Finished);
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3013]", StringComparison.Ordinal) && l.Contains(second.RequestId.ToString(), StringComparison.Ordinal)
            && l.Contains("pool_full", StringComparison.Ordinal));
        await Traffic(mesh).StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_shadow_never_takes_capacity_that_clients_requests_wait_for()
    {
        await using var mesh = await StartAsync("tokens=1000;pace=50", s =>
        {
            Patient(s);
            s["Router:Deployments:2:Limits:Concurrent"] = "1";
        });
        using var skipped = new SkipCounter(mesh.Router.Services.GetRequiredService<IMeterFactory>());
        var queues = mesh.Router.Services.GetRequiredService<AiMesh.Router.Admission.AdmissionQueues>();

        // A client's stream holds the candidate's one slot, and another client's request waits for it.
        var holder = RouterHost.Chat("""{"model":"gpt-candidate","stream":true,"messages":[{"role":"user","content":"holder"}]}""", stream: true, model: "gpt-candidate");
        var held = mesh.Router.RouteAsync(holder);
        await mesh.Router.Chunks.WaitForAsync(holder.RequestId, 1);
        var waiter = mesh.Router.RouteAsync(RouterHost.Chat("""{"model":"gpt-candidate","messages":[{"role":"user","content":"echo: waiter"}]}""", stream: false, model: "gpt-candidate"));
        await UntilAsync(() => queues.WaitingFor("gpt-candidate") == 1 || waiter.IsCompleted, "the client's request never waited");
        if (waiter.IsCompleted)
        {
            var (_, refused) = await waiter;
            Assert.Fail($"the waiter was answered at once: {refused?.Status} {refused?.Code} {refused?.Message} {queues.Waiting}");
        }

        var (routed, _) = await mesh.Router.RouteAsync(Chat(Hello));
        await UntilAsync(() => skipped.Of("waiters") == 1, "the shadow was not skipped for the waiter");
        var candidateCallsWhileWaiting = Calls(mesh, CandidateUpstream).Count;
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(holder.RequestId, "client_disconnected"));
        await held;
        var (served, failed) = await waiter;

        Assert.Equal(200, routed!.Status);
        Assert.Equal(1, candidateCallsWhileWaiting);
        Assert.True(served is not null, failed?.Message);
        Assert.Equal(2, Calls(mesh, CandidateUpstream).Count);
        Assert.DoesNotContain(Results(mesh), r => r.RequestId != holder.RequestId && r.ShadowModel == "gpt-candidate" && r.ShadowStatus == 200);
    }

    [Fact]
    public async Task The_request_s_regions_hold_for_the_shadow_a_candidate_outside_them_is_recorded_as_refused_and_not_called()
    {
        await using var mesh = await StartAsync(null, s =>
        {
            DeploymentSettings.Add(s, 3, "chat-eu", "gpt-4o-mini", "openai", s["Router:Deployments:0:BaseUrl"]!, "mock-eu", "chat.completions");
            s["Router:Deployments:3:Regions:0"] = "eu";
            s["Router:Deployments:3:Priority"] = "1";
        });
        using var skipped = new SkipCounter(mesh.Router.Services.GetRequiredService<IMeterFactory>());
        var request = Chat(Hello) with { Regions = ["eu"] };

        var (routed, _) = await mesh.Router.RouteAsync(request);
        var result = await SingleResultAsync(mesh, request.RequestId);

        Assert.Equal("chat-eu", routed!.Deployment);
        Assert.Equal(("chat-eu", (string?)null, 403, "region_not_allowed"), (result.PrimaryDeployment, result.ShadowDeployment, result.ShadowStatus, result.ShadowErrorCode));
        Assert.Null(result.ShadowCost);
        Assert.Empty(Calls(mesh, CandidateUpstream));
        Assert.Equal(1, skipped.Of("no_deployment"));
    }

    [Fact]
    public async Task Shadow_settings_that_cannot_work_stop_the_start_with_every_error()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings["Router:Models:gpt-4o-mini:Shadow:Model"] = "gpt-5";
        settings["Router:Models:gpt-4o-mini:Shadow:Percent"] = "101";
        settings["Router:Models:text-embedding-3-small:Shadow:Model"] = "text-embedding-3-small";
        settings["Router:Models:text-embedding-3-small:Shadow:Percent"] = "-1";
        settings["Router:Shadow:MaxConcurrent"] = "0";
        settings["Router:Shadow:Timeout"] = "00:00:00";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains("Router:Models:gpt-4o-mini:Shadow:Model must name another model some deployment serves.", error.Failures);
        Assert.Contains("Router:Models:gpt-4o-mini:Shadow:Percent must be from 0 to 100.", error.Failures);
        Assert.Contains("Router:Models:text-embedding-3-small:Shadow:Model must name another model some deployment serves.", error.Failures);
        Assert.Contains("Router:Models:text-embedding-3-small:Shadow:Percent must be from 0 to 100.", error.Failures);
        Assert.Contains("Router:Shadow:MaxConcurrent must be from 1 to 10000.", error.Failures);
        Assert.Contains("Router:Shadow:Timeout must be greater than zero and at most one hour.", error.Failures);
    }

    /// <param name="scenario">The candidate deployment's mock scenario; null: none.</param>
    /// <param name="percent">gpt-4o-mini's shadow share to gpt-candidate; null: no shadow setting.</param>
    private static async Task<RouterMesh> StartAsync(string? scenario, Action<Dictionary<string, string?>>? configure = null, double? percent = 100)
    {
        var mesh = await RouterMesh.StartAsync(configure: s =>
        {
            var root = DeploymentSettings.MockRoot(s);
            var candidate = scenario is null ? $"{root}v1" : $"{root}s/{Uri.EscapeDataString($"{scenario};tag={Guid.NewGuid():N}")}/v1";
            DeploymentSettings.Add(s, 2, "candidate", "gpt-candidate", "openai", candidate, CandidateUpstream, "chat.completions");
            s["Router:Deployments:2:Price:Input"] = "1";
            s["Router:Deployments:2:Price:Output"] = "2";
            if (percent is { } share)
            {
                s["Router:Models:gpt-4o-mini:Shadow:Model"] = "gpt-candidate";
                s["Router:Models:gpt-4o-mini:Shadow:Percent"] = share.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            configure?.Invoke(s);
        });
        var tap = new ShadowTap();
        mesh.Router.Harness.Bus.ConnectConsumeObserver(tap);
        mesh.Router.Harness.Bus.ConnectSendObserver(tap);
        Taps.Add(mesh, tap);
        return mesh;
    }

    /// <summary>Clocks far beyond the test's length, so a call the mock holds stays held until the test ends it.</summary>
    private static void Patient(Dictionary<string, string?> settings)
    {
        settings["Router:Timeouts:FirstByte"] = "00:10:00";
        settings["Router:Timeouts:Total"] = "00:10:00";
    }

    private static RouteCompletion Chat(string body, bool stream = false) => RouterHost.Chat(body, stream);

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(20);
        }
    }

    private static ShadowTraffic Traffic(RouterMesh mesh) => mesh.Router.Services.GetRequiredService<ShadowTraffic>();

    /// <summary>The mock's clock reading (<c>created</c>) differs from one second to the next; nothing else may.</summary>
    private static string WithoutClock(string json) => Created().Replace(json, "\"created\":0");

    /// <summary>The calls the mock received for one upstream model.</summary>
    private static List<RecordedRequest> Calls(RouterMesh mesh, string upstream) =>
        [.. mesh.Mock.Recorder.Snapshot().Where(r => JsonNode.Parse(r.Body)?["model"]?.GetValue<string>() == upstream)];

    private static IReadOnlyList<ShadowResult> Results(RouterMesh mesh) => Tap(mesh).Results;

    /// <summary>The one result of <paramref name="requestId"/>, once sent.</summary>
    private static async Task<ShadowResult> SingleResultAsync(RouterMesh mesh, Guid requestId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!Results(mesh).Any(r => r.RequestId == requestId))
        {
            await Task.Delay(20, timeout.Token);
        }

        await DrainedResultsAsync(mesh);
        return Assert.Single(Results(mesh), r => r.RequestId == requestId);
    }

    /// <summary>A call to <paramref name="upstream"/> the mock has begun (its body read).</summary>
    private static async Task<RecordedRequest> StartedAsync(RouterMesh mesh, string upstream)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (mesh.Mock.Recorder.Snapshot().FirstOrDefault(r => r.Body.Contains(upstream, StringComparison.Ordinal)) is { } started)
            {
                return started;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private static ShadowTap Tap(RouterMesh mesh) =>
        Taps.TryGetValue(mesh, out var tap) ? tap : throw new InvalidOperationException("The mesh was not started here.");

    /// <summary>Routes whose consumer returned (it hands a sampled request's shadow over before it does).</summary>
    private static int RoutesEnded(RouterMesh mesh) => Tap(mesh).Ended;

    /// <summary>Until the router consumed <paramref name="routes"/> routes (each hands its shadow over before it ends) and only <paramref name="running"/> shadows run, their results sent.</summary>
    private static async Task SettledAsync(RouterMesh mesh, int routes, int running = 0)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (RoutesEnded(mesh) < routes || Traffic(mesh).Running > running)
        {
            await Task.Delay(20, timeout.Token);
        }

        await DrainedResultsAsync(mesh);
    }

    private static async Task DrainedResultsAsync(RouterMesh mesh)
    {
        var results = mesh.Router.Services.GetRequiredService<ShadowResults>();
        using var timeout = new CancellationTokenSource(Patience);
        while (results.Pending > 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task DrainedReportsAsync(RouterMesh mesh)
    {
        var reports = mesh.Router.Services.GetRequiredService<RouteReports>();
        using var timeout = new CancellationTokenSource(Patience);
        while (reports.Pending > 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    [GeneratedRegex("\"created\":\\d+")]
    private static partial Regex Created();

    /// <summary>
    /// What the router sent to metering and the routes it consumed to their end (after the consumer returned:
    /// PostConsume), read as they happen (the harness's lists wait for more messages when asked).
    /// </summary>
    private sealed class ShadowTap : ISendObserver, IConsumeObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<ShadowResult> results = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<RouterReport> reports = new();
        private int ended;

        public int Ended => Volatile.Read(ref ended);

        public IReadOnlyList<ShadowResult> Results => [.. results];

        public IReadOnlyList<RouterReport> Reports => [.. reports];

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is RouteCompletion)
            {
                Interlocked.Increment(ref ended);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

        public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

        public Task PostSend<T>(SendContext<T> context) where T : class
        {
            switch (context.Message)
            {
                case RecordShadowResults batch:
                    batch.Results.ToList().ForEach(results.Enqueue);
                    break;
                case RecordRouterReports batch:
                    batch.Reports.ToList().ForEach(reports.Enqueue);
                    break;
            }

            return Task.CompletedTask;
        }

        public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    /// <summary>Counts <c>aimesh.router.shadow.skipped</c> by reason, on one host's meters only.</summary>
    private sealed class SkipCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> counts = new();

        public SkipCounter(IMeterFactory meters)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "aimesh.router.shadow.skipped")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason" && tag.Value is string reason)
                    {
                        counts.AddOrUpdate(reason, value, (_, sum) => sum + value);
                    }
                }
            });
            listener.Start();
        }

        public long Of(string reason) => counts.GetValueOrDefault(reason);

        public void Dispose() => listener.Dispose();
    }
}
