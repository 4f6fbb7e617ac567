using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Tests.Support;

namespace AiMesh.Ingress.Tests.Chains;

/// <summary>
/// The chain saga on the ingress's own bus registrations, with policy, prompts, router and metering as stubs: each step
/// is a request of the request saga, submitted only once the step before it answered, with that answer's text in its
/// variables; the first failing step ends the run; a stale answer changes nothing; a run given up abandons its step.
/// </summary>
public sealed class ChainSagaTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly ChainDetail TwoSteps = new(
        "brief",
        null,
        "gpt-4o-mini",
        [
            new ChainStepDetail("summarize", "summary", null, null, new Dictionary<string, string> { ["text"] = "$input.text" }, null),
            new ChainStepDetail("translate", "translation", null, "production", new Dictionary<string, string> { ["summary"] = "$steps.summarize.output" }, null),
        ],
        DateTimeOffset.UnixEpoch,
        "admin");

    [Fact]
    public async Task Each_step_is_submitted_once_the_one_before_answered_and_reads_its_output()
    {
        await using var mesh = await SagaHost.StartAsync();
        var answered = 0;
        mesh.Neighbours.Router = c => c.RespondAsync(Neighbours.Routed(c.Message, Answer($"out-{Interlocked.Increment(ref answered)}"), 0));

        var (runId, ended) = await mesh.StartChainAsync(TwoSteps, """{"text":"hello"}""");
        var outcome = await ended.WaitAsync(Patience);

        Assert.Null(outcome.Failure);
        Assert.Equal(["out-1", "out-2"], outcome.Completed.Select(s => s.Output));
        Assert.Equal(["summarize", "translate"], outcome.Completed.Select(s => s.Name));
        var renders = mesh.Neighbours.Renders.Snapshot();
        Assert.Equal(2, renders.Count);
        Assert.Contains("\"text\":\"hello\"", renders[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"summary\":\"out-1\"", renders[1].Body, StringComparison.Ordinal);

        // Each step is a request of its own, metered once under its own id, tagged with the run.
        foreach (var step in outcome.Completed)
        {
            var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == step.RequestId);
            Assert.Equal((runId.ToString("D"), step.Name), (usage.Tags![ChainStateMachine.RunTag], usage.Tags[ChainStateMachine.StepTag]));
        }

        Assert.Null(await mesh.Chains.NotExists(runId, Patience));
    }

    [Fact]
    public async Task A_denied_step_ends_the_run_naming_it_and_no_later_step_is_submitted()
    {
        await using var mesh = await SagaHost.StartAsync();
        var asked = 0;
        mesh.Neighbours.Policy = c => Interlocked.Increment(ref asked) == 2
            ? c.RespondAsync(new RequestDenied(c.Message.RequestId, 403, "model_not_allowed", "The key may not use this model."))
            : Neighbours.Authorize(c);
        mesh.Neighbours.Router = c => c.RespondAsync(Neighbours.Routed(c.Message, Answer("first"), 0));

        var (runId, ended) = await mesh.StartChainAsync(TwoSteps with { Steps = [.. TwoSteps.Steps, TwoSteps.Steps[1] with { Name = "third" }] }, """{"text":"hello"}""");
        var outcome = await ended.WaitAsync(Patience);

        var failure = Assert.IsType<ChainFailure>(outcome.Failure);
        Assert.Equal((1, "translate", 403, "model_not_allowed"), (failure.Index, failure.Step, failure.Error.Status, failure.Error.Code));
        Assert.Equal(["summarize"], outcome.Completed.Select(s => s.Name));
        await mesh.SettleAsync();
        Assert.Equal(2, mesh.Neighbours.Authorizations.Snapshot().Count);
        Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.Null(await mesh.Chains.NotExists(runId, Patience));
    }

    [Fact]
    public async Task An_answer_for_a_request_other_than_the_step_under_way_changes_nothing()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, c => c.RespondAsync(Neighbours.Routed(c.Message, Answer("real"), 0)));

        var (runId, ended) = await mesh.StartChainAsync(TwoSteps, """{"text":"hello"}""");
        await mesh.Neighbours.Routes.WaitForAsync(_ => true);
        var stale = new CompletionAnswered(Guid.NewGuid(), 500, null, 0, new AnswerError("api_error", "boom", "A duplicate.", null, null), null, null);

        // Delivered in process: once this returns the transition is done and anything it handed over was handed over.
        await mesh.Inbox.DeliverAsync(new ChainStepAnswered(runId, stale.RequestId, stale), CancellationToken.None);
        Assert.False(ended.IsCompleted);
        Assert.NotNull(await mesh.Chains.Exists(runId, m => m.Running, Patience));

        router.SetResult();
        var outcome = await ended.WaitAsync(Patience);
        Assert.Null(outcome.Failure);
        Assert.Equal(["real", "real"], outcome.Completed.Select(s => s.Output));
    }

    [Fact]
    public async Task A_run_given_up_abandons_the_step_under_way_and_ends()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Router = Neighbours.Silent;

        var (runId, ended) = await mesh.StartChainAsync(TwoSteps, """{"text":"hello"}""");
        var route = await mesh.Neighbours.Routes.WaitForAsync(_ => true);
        await mesh.Inbox.DeliverAsync(new AbandonChain(runId, "client_disconnected"), CancellationToken.None);

        Assert.Null(await mesh.Chains.NotExists(runId, Patience));
        Assert.True(await SagaHost.EventuallyAsync(() => Task.FromResult(
            mesh.Harness.Published.Select<CompletionAbandoned>().Any(m => m.Context.Message.RequestId == route.RequestId && m.Context.Message.Reason == "client_disconnected"))));
        Assert.True(await SagaHost.EventuallyAsync(() => Task.FromResult(mesh.InstanceOf(route.RequestId).Abandoned)));
        Assert.False(ended.IsCompleted);
    }

    [Fact]
    public async Task A_run_whose_exchange_is_gone_submits_no_further_step()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, c => c.RespondAsync(Neighbours.Routed(c.Message, Answer("first"), 0)));

        var (runId, _) = await mesh.StartChainAsync(TwoSteps, """{"text":"hello"}""");
        var first = await mesh.Neighbours.Routes.WaitForAsync(_ => true);

        // The exchange has stopped waiting (its client left) while step 1 was with the provider; then step 1 answers.
        mesh.Runs.Close(runId);
        router.SetResult();
        await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == first.RequestId);
        await mesh.SettleAsync();

        Assert.Single(mesh.Neighbours.Authorizations.Snapshot());
        Assert.Single(mesh.Neighbours.Routes.Snapshot());
    }

    private static string Answer(string text) =>
        $$"""{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{{text}}"},"finish_reason":"stop"}]}""";
}
