using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Tests.Support;
using MassTransit;

namespace AiMesh.Ingress.Tests.Saga;

/// <summary>
/// Every step's timeout, with the step's service silent. The timeouts are short so the tests are quick; nothing
/// here measures time: each test waits (generously) for the answer the timeout must produce.
/// </summary>
public sealed class TimeoutTests
{
    private static readonly Dictionary<string, string?> Short = new()
    {
        ["Ingress:PolicyTimeout"] = "00:00:00.200",
        ["Ingress:PromptsTimeout"] = "00:00:00.200",
        ["Ingress:RequestTimeout"] = "00:00:00.200",
        ["Ingress:RouterGrace"] = "00:00:00.100",
    };

    [Fact]
    public async Task A_silent_policy_is_answered_503_policy_unavailable_and_not_metered()
    {
        await using var mesh = await SagaHost.StartAsync(Short);
        mesh.Neighbours.Policy = Neighbours.Silent;
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(503, answer.Status);
        Assert.Equal(new AnswerError("api_error", "policy_unavailable", "A gateway service is unavailable; try again shortly.", null, 1), answer.Error);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        Assert.Equal(0, mesh.Scheduler.Pending);
    }

    [Fact]
    public async Task A_silent_prompts_service_is_answered_503_prompts_unavailable_and_metered_as_an_error()
    {
        await using var mesh = await SagaHost.StartAsync(Short);
        mesh.Neighbours.Prompts = Neighbours.Silent;
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting"}}""", hasPrompt: true);

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal((503, "prompts_unavailable"), (answer.Status, answer.Error!.Code));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Error, 503, "prompts_unavailable", Neighbours.Principal), (usage.Outcome, usage.Status, usage.ErrorCode, usage.PrincipalId));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_router_that_outlives_the_deadline_is_abandoned_answered_504_and_metered_as_timed_out()
    {
        await using var mesh = await SagaHost.StartAsync(Short);
        mesh.Neighbours.Router = Neighbours.Silent;
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal((504, "api_error", "timeout"), (answer.Status, answer.Error!.Type, answer.Error.Code));
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Published.Any<CompletionAbandoned>(x => x.Context.Message.RequestId == request.RequestId)));
        var abandoned = mesh.Harness.Published.Select<CompletionAbandoned>().Single().Context.Message;
        Assert.Equal("deadline", abandoned.Reason);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.TimedOut, 504, "timeout"), (usage.Outcome, usage.Status, usage.ErrorCode));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_policy_answer_after_the_timeout_is_discarded_without_a_fault()
    {
        await using var mesh = await SagaHost.StartAsync(Short);
        var late = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A policy that only answers: one that also routes late is told to drop it (RouteThroughPolicyTests).
        mesh.Neighbours.Policy = Neighbours.After<AuthorizeRequest>(late.Task, Neighbours.AuthorizeOnly);
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);
        Assert.Equal(503, answer.Status);
        await mesh.AssertFinalizedAsync(request.RequestId);

        late.SetResult();
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Sent.Any<RequestAuthorized>(x => x.Context.Message.RequestId == request.RequestId)));
        await mesh.SettleAsync();

        Assert.False(await mesh.Saga.Consumed.Any<RequestAuthorized>());
        Assert.Empty(mesh.Harness.Published.Select<Fault>());
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
    }
}
