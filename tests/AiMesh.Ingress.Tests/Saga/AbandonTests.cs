using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Tests.Support;
using MassTransit;

namespace AiMesh.Ingress.Tests.Saga;

public sealed class AbandonTests
{
    [Fact]
    public async Task Abandoned_before_policy_answers_the_saga_ends_unmetered_and_the_late_decision_is_discarded()
    {
        // Without the route attached (with it, policy may be routing: RouteThroughPolicyTests).
        await using var mesh = await SagaHost.StartAsync(new() { ["Ingress:RouteThroughPolicy"] = "false" });
        var policy = Gate();
        mesh.Neighbours.Policy = Neighbours.After<AuthorizeRequest>(policy.Task, Neighbours.Authorize);
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Authorization.Pending);
        await mesh.AbandonAsync(request.RequestId);

        await mesh.AssertFinalizedAsync(request.RequestId);
        policy.SetResult();
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Sent.Any<RequestAuthorized>()));
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        await SagaHost.AssertNothingMoreAsync(relay);
        Assert.Empty(mesh.Harness.Published.Select<Fault<RequestAuthorized>>());
        Assert.Empty(mesh.Harness.Published.Select<Fault>());
    }

    [Fact]
    public async Task Abandoned_while_the_prompt_renders_the_saga_ends_metered_as_client_cancelled()
    {
        await using var mesh = await SagaHost.StartAsync();
        var prompts = Gate();
        mesh.Neighbours.Prompts = Neighbours.After<RenderPrompt>(prompts.Task, Neighbours.Render);
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting"}}""", hasPrompt: true);

        var relay = await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.PromptRendering.Pending);
        await mesh.AbandonAsync(request.RequestId);

        await mesh.AssertFinalizedAsync(request.RequestId);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Cancelled, 499, (string?)null, Neighbours.Principal), (usage.Outcome, usage.Status, usage.ErrorCode, usage.PrincipalId));
        prompts.SetResult();
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Sent.Any<PromptRendered>()));
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
        await SagaHost.AssertNothingMoreAsync(relay);
    }

    [Fact]
    public async Task Abandoned_while_routing_the_saga_waits_for_the_router_and_meters_what_it_reports()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = Gate();
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, c => c.RespondAsync(new CompletionFailed(
            c.Message.RequestId, 499, "invalid_request_error", "client_cancelled", "The client went away.", null, null, 0,
            CompletionOutcomes.Cancelled, Neighbours.Deployment, Neighbours.Provider, 1, new TokenUsage(9, 2))));
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);
        await mesh.AbandonAsync(request.RequestId);

        // Still waiting: the router holds the provider call and will report what it cost.
        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);
        Assert.True(mesh.InstanceOf(request.RequestId).Abandoned);
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());

        router.SetResult();
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);
        Assert.Equal((499, "client_cancelled"), (answer.Status, answer.Error!.Code));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Cancelled, 499, 1, new TokenUsage(9, 2)), (usage.Outcome, usage.Status, usage.Attempts, usage.Usage));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task An_abandonment_of_an_unknown_request_is_discarded()
    {
        await using var mesh = await SagaHost.StartAsync();
        var unknown = Guid.NewGuid();

        await mesh.AbandonAsync(unknown);
        await mesh.SettleAsync();

        Assert.Empty(mesh.Saga.Created.Select(x => x.CorrelationId == unknown));
        Assert.Empty(mesh.Harness.Published.Select<Fault>());
    }

    [Fact]
    public async Task Every_admitted_request_is_metered_exactly_once_and_no_refused_one_is()
    {
        await using var mesh = await SagaHost.StartAsync();
        const string refused = "0000000000000000000000000000000000000000000000000000000000000000";
        mesh.Neighbours.Policy = c => c.Message.CredentialHash == refused
            ? c.RespondAsync(new RequestDenied(c.Message.RequestId, 401, "invalid_api_key", "no"))
            : Neighbours.Authorize(c);
        mesh.Neighbours.Router = c => c.Message.Body.Contains("fail", StringComparison.Ordinal)
            ? c.RespondAsync(new CompletionFailed(c.Message.RequestId, 502, "api_error", "provider_error", "no", null, null, 0, CompletionOutcomes.Error, null, null, 1, null))
            : Neighbours.Route(c);
        var requests = Enumerable.Range(0, 30).Select(i => SagaHost.Chat(
                body: i % 3 == 1 ? """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"fail"}]}""" : """{"model":"gpt-4o-mini","messages":[]}""",
                credentialHash: i % 3 == 2 ? refused : "ab" + new string('c', 62)))
            .ToArray();

        var relays = await Task.WhenAll(requests.Select(mesh.SubmitAsync));
        var answers = await Task.WhenAll(relays.Select(SagaHost.ReadAllAsync));
        await mesh.SettleAsync();

        Assert.Equal(requests.Select((_, i) => (i % 3) switch { 0 => 200, 1 => 502, _ => 401 }), answers.Select(a => a.Answer.Status));
        var usage = mesh.Neighbours.Usage.Snapshot().ToLookup(u => u.RequestId);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(i % 3 == 2 ? 0 : 1, usage[requests[i].RequestId].Count());
        }

        Assert.Equal(20, mesh.Harness.Sent.Select<RecordUsageBatch>().Sum(sent => sent.Context.Message.Records.Count));
    }

    private static TaskCompletionSource Gate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
