using System.Diagnostics;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Admission;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Waiting for capacity instead of a bare 429 (issue 6; services/router/Admission/). The chat deployment takes one call
/// at once (<c>Limits:Concurrent</c> 1); a streamed "holder" of 1,000 slow words keeps that slot until the test abandons
/// it, so every wait here ends by what the test does, never by a clock. Waiters ask for short whole answers
/// (<c>echo:</c>), and the mock's recording says who reached the provider, and in which order.
/// </summary>
public sealed class AdmissionTests
{
    private const string Model = "gpt-4o-mini";
    private const string HoldingScenario = "tokens=1000;pace=50";

    [Fact]
    public async Task Requests_beyond_capacity_wait_and_are_served_in_arrival_order_when_the_slot_comes_back()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, OneAtOnce);
        var holder = await HoldAsync(mesh);
        var (secondRequest, thirdRequest) = (Chat("echo: second"), Chat("echo: third"));
        var waits = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AiMesh.Hosting.MeshTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "router capacity wait" && a.GetTagItem("aimesh.request_id") is Guid id
                    && (id == secondRequest.RequestId || id == thirdRequest.RequestId))
                {
                    waits.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var second = mesh.Router.RouteAsync(secondRequest);
        await WaitingAsync(mesh, 1);
        var third = mesh.Router.RouteAsync(thirdRequest);
        await WaitingAsync(mesh, 2);
        var reachedWhileHeld = mesh.Mock.Recorder.Snapshot().Count;
        await ReleaseAsync(mesh, holder);
        var (secondServed, secondFailed) = await second;
        var (thirdServed, thirdFailed) = await third;

        Assert.Equal(1, reachedWhileHeld);
        Assert.True(secondServed is not null, secondFailed?.Message);
        Assert.True(thirdServed is not null, thirdFailed?.Message);
        Assert.Equal(["holder", "second", "third"], Order(mesh));
        Assert.Equal(0, Queues(mesh).Waiting);
        Assert.Equal(2, mesh.Router.Logs.Lines.Count(l => l.Contains("[3081]", StringComparison.Ordinal)));
        Assert.Equal(2, mesh.Router.Logs.Lines.Count(l => l.Contains("[3082]", StringComparison.Ordinal)));

        // Each wait is a span of the request's trace, ended admitted.
        Assert.Equal(["admitted", "admitted"], waits.Select(a => a.GetTagItem("aimesh.admission.outcome")));
    }

    [Fact]
    public async Task A_full_line_answers_429_with_retry_after_at_once_and_the_provider_never_sees_it()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, s =>
        {
            OneAtOnce(s);
            s["Router:Admission:MaxWaiting"] = "1";
        });
        var holder = await HoldAsync(mesh);
        var waiting = mesh.Router.RouteAsync(Chat("echo: waiting"));
        await WaitingAsync(mesh, 1);

        // Answered while the slot is still held and the first waiter still waits: it did not wait itself.
        var (_, full) = await mesh.Router.RouteAsync(Chat("echo: turned away"));
        var stillWaiting = Queues(mesh).WaitingFor(Model);
        await ReleaseAsync(mesh, holder);
        var (served, failed) = await waiting;

        Assert.Equal((429, "rate_limit_error", "capacity_queue_full", 0), (full!.Status, full.Type, full.Code, full.Attempts));
        Assert.True(full.RetryAfterSeconds >= 1);
        Assert.Equal(1, stillWaiting);
        Assert.True(served is not null, failed?.Message);
        Assert.Equal(["holder", "waiting"], Order(mesh));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3084]", StringComparison.Ordinal) && l.Contains("line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_that_waits_past_max_wait_is_answered_429_with_retry_after_and_never_called()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, s =>
        {
            OneAtOnce(s);
            s["Router:Admission:MaxWait"] = "00:00:00.500";
        });
        var holder = await HoldAsync(mesh);

        var (_, timedOut) = await mesh.Router.RouteAsync(Chat("echo: too late"));
        var waitingAfter = Queues(mesh).Waiting;
        await ReleaseAsync(mesh, holder);

        Assert.Equal((429, "rate_limit_error", "capacity_wait_timeout", "mock-chat", 0), (timedOut!.Status, timedOut.Type, timedOut.Code, timedOut.Deployment, timedOut.Attempts));
        Assert.True(timedOut.RetryAfterSeconds >= 1);
        Assert.Equal(0, waitingAfter);
        Assert.Equal(["holder"], Order(mesh));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3083]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_higher_priority_waiter_is_served_before_a_lower_one_that_came_first()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, s =>
        {
            OneAtOnce(s);
            s["Router:Admission:Priorities:0:KeyTags:tier"] = "gold";
            s["Router:Admission:Priorities:0:Priority"] = "10";
            s["Router:Admission:Priorities:1:TeamTags:plan"] = "batch";
            s["Router:Admission:Priorities:1:Priority"] = "-5";
        });
        var holder = await HoldAsync(mesh);

        var batch = mesh.Router.RouteAsync(Chat("echo: batch") with { TeamTags = new Dictionary<string, string> { ["plan"] = "batch" } });
        await WaitingAsync(mesh, 1);
        var plain = mesh.Router.RouteAsync(Chat("echo: plain"));
        await WaitingAsync(mesh, 2);
        var gold = mesh.Router.RouteAsync(Chat("echo: gold") with { KeyTags = new Dictionary<string, string> { ["tier"] = "gold" } });
        await WaitingAsync(mesh, 3);
        await ReleaseAsync(mesh, holder);
        var answers = await Task.WhenAll(batch, plain, gold);

        Assert.All(answers, a => Assert.True(a.Routed is not null, a.Failed?.Message));
        Assert.Equal(["holder", "gold", "plain", "batch"], Order(mesh));
    }

    [Fact]
    public async Task A_newcomer_joins_behind_the_waiters_instead_of_taking_the_capacity_they_wait_for()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, OneAtOnce);
        var holder = await HoldAsync(mesh);
        var first = mesh.Router.RouteAsync(Chat("echo: first"));
        await WaitingAsync(mesh, 1);

        // The slot comes back while "first" waits; "late" arrives at once after. Whoever's turn it is, "first" is ahead.
        await ReleaseAsync(mesh, holder);
        var late = mesh.Router.RouteAsync(Chat("echo: late"));
        var answers = await Task.WhenAll(first, late);

        Assert.All(answers, a => Assert.True(a.Routed is not null, a.Failed?.Message));
        Assert.Equal(["holder", "first", "late"], Order(mesh));
    }

    [Fact]
    public async Task A_waiter_whose_client_leaves_leaves_the_line_at_once_and_is_never_called()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, OneAtOnce);
        var holder = await HoldAsync(mesh);
        var leaving = Chat("echo: leaving");
        var answer = mesh.Router.RouteAsync(leaving);
        await WaitingAsync(mesh, 1);

        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(leaving.RequestId, "client_disconnected"));
        var (_, cancelled) = await answer;
        var waitingAfter = Queues(mesh).Waiting;
        await ReleaseAsync(mesh, holder);

        Assert.Equal((499, "client_cancelled", 0), (cancelled!.Status, cancelled.Code, cancelled.Attempts));
        Assert.Equal(0, waitingAfter);
        Assert.Equal(["holder"], Order(mesh));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3085]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_too_close_to_its_deadline_for_a_call_after_waiting_is_refused_at_once()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, OneAtOnce);
        var holder = await HoldAsync(mesh);

        // Less than MinTimeForCall (5 s) left: admitted later, its call would be cut by the deadline.
        var hurried = Chat("echo: hurried") with { Deadline = DateTimeOffset.UtcNow.AddSeconds(3) };
        var (_, refused) = await mesh.Router.RouteAsync(hurried);
        await ReleaseAsync(mesh, holder);

        Assert.Equal((429, "rate_limit_exceeded", 0), (refused!.Status, refused.Code, refused.Attempts));
        Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains("[3081]", StringComparison.Ordinal));
        Assert.Equal(["holder"], Order(mesh));
    }

    [Fact]
    public async Task A_group_whose_circuits_are_open_is_answered_503_at_once_not_queued()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=500;tag={Guid.NewGuid():N}", s =>
        {
            OneAtOnce(s);
            s["Router:Health:ConsecutiveFailures"] = "1";
            s["Router:Health:BreakTime"] = "00:01:00";
            s["Router:Retries:MaxAttempts"] = "1";
        });

        var (_, broken) = await mesh.Router.RouteAsync(Chat("echo: opens the circuit"));
        var (_, resting) = await mesh.Router.RouteAsync(Chat("echo: finds it open"));

        Assert.Equal(500, broken!.Status);
        Assert.Equal((503, "deployment_unavailable", 0), (resting!.Status, resting.Code, resting.Attempts));
        Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains("[3081]", StringComparison.Ordinal));
        Assert.Single(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_group_that_timed_out_waiting_hands_the_request_to_its_fallback()
    {
        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, s =>
        {
            OneAtOnce(s);
            s["Router:Admission:MaxWait"] = "00:00:00.300";
            var root = new Uri(new Uri(DeploymentSettings.MockRoot(s)).GetLeftPart(UriPartial.Authority));
            DeploymentSettings.Add(s, 2, "deploy-model-b", "model-b", "openai", new Uri(root, "v1").ToString(), "up-model-b", "chat.completions");
            s[$"Router:Models:{Model}:Fallbacks:0"] = "model-b";
        });
        var holder = await HoldAsync(mesh);

        var (routed, failed) = await mesh.Router.RouteAsync(Chat("echo: fall back"));
        await ReleaseAsync(mesh, holder);

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal("deploy-model-b", routed.Deployment);
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3083]", StringComparison.Ordinal));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3050]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_waiter_on_one_replica_is_admitted_when_another_replica_gives_the_shared_slot_back()
    {
        var prefix = "router-admission-" + Guid.NewGuid().ToString("N");
        void Shared(Dictionary<string, string?> s)
        {
            OneAtOnce(s);
            s["Router:Limits:Store"] = "Redis";
            s["Router:Limits:Redis"] = Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379";
            s["Router:Limits:RedisPrefix"] = prefix;
            s["Router:Limits:StoreTimeout"] = "00:00:05";
        }

        await using var mesh = await RouterMesh.StartAsync(HoldingScenario, Shared);
        var settings = RouterHost.Settings(new Uri(mesh.Mock.ScenarioAddress(HoldingScenario), "v1"), new Uri(mesh.Mock.BaseAddress, "v1"));
        Shared(settings);
        await using var other = await RouterHost.StartAsync(settings);
        var holder = await HoldAsync(mesh);

        // Nothing on replica two hears replica one give the slot back: its poll through Redis finds it.
        var waiter = other.RouteAsync(Chat("echo: on replica two"));
        await UntilAsync(() => other.Services.GetRequiredService<AdmissionQueues>().WaitingFor(Model) == 1, "replica two never queued the request");
        await ReleaseAsync(mesh, holder);
        var (served, failed) = await waiter;

        Assert.True(served is not null, failed?.Message);
        Assert.Equal(["holder", "on replica two"], Order(mesh));
    }

    [Fact]
    public async Task Waiters_must_leave_consumer_slots_for_calls_and_priorities_must_name_tags()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings["Router:MaxConcurrentCalls"] = "8";
        settings["Router:Admission:MaxWaitingTotal"] = "8";
        settings["Router:Admission:Priorities:0:Priority"] = "5";
        settings["Router:Admission:PollInterval"] = "00:00:00.001";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains("Router:Admission:MaxWaitingTotal must be at least 1 and below Router:MaxConcurrentCalls", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Admission:Priorities:0 must name at least one of KeyTags or TeamTags", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Admission:PollInterval", StringComparison.Ordinal));
    }

    private static void OneAtOnce(Dictionary<string, string?> settings) => settings["Router:Deployments:0:Limits:Concurrent"] = "1";

    /// <summary>Starts the streamed holder and returns once the provider has it, its slot held.</summary>
    private static async Task<(RouteCompletion Request, Task<(CompletionRouted?, CompletionFailed?)> Answer)> HoldAsync(RouterMesh mesh)
    {
        var request = RouterHost.Chat("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"holder"}]}""", stream: true);
        var answer = mesh.Router.RouteAsync(request);
        await mesh.Router.Chunks.WaitForAsync(request.RequestId, 1);
        return (request, answer);
    }

    /// <summary>The holder's client leaves: its call is cancelled and its slot given back.</summary>
    private static async Task ReleaseAsync(RouterMesh mesh, (RouteCompletion Request, Task<(CompletionRouted?, CompletionFailed?)> Answer) holder)
    {
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(holder.Request.RequestId, "client_disconnected"));
        var (_, failed) = await holder.Answer;
        Assert.Equal(499, failed!.Status);
    }

    private static AdmissionQueues Queues(RouterMesh mesh) => mesh.Router.Services.GetRequiredService<AdmissionQueues>();

    private static Task WaitingAsync(RouterMesh mesh, int count) =>
        UntilAsync(() => Queues(mesh).WaitingFor(Model) == count, $"never {count} waiting");

    /// <summary>Who reached the provider, in order: the holder, else the text after <c>echo:</c>.</summary>
    private static string[] Order(RouterMesh mesh) => [.. mesh.Mock.Recorder.Snapshot().Select(r =>
        r.Body.Contains("\"holder\"", StringComparison.Ordinal) ? "holder"
            : r.Body[(r.Body.IndexOf("echo: ", StringComparison.Ordinal) + 6)..r.Body.IndexOf('"', r.Body.IndexOf("echo: ", StringComparison.Ordinal))])];

    private static RouteCompletion Chat(string text) =>
        RouterHost.Chat($$"""{"model":"{{Model}}","messages":[{"role":"user","content":"{{text}}"}]}""", stream: false);

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
