using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Tests.Support;

namespace AiMesh.Ingress.Tests.Saga;

/// <summary>
/// The saga attaches its routing request to the authorization and policy sends an admitted request on to the router
/// (<see cref="AuthorizeRequest.Route"/>, <see cref="RequestAuthorized.Routed"/>): one bus hop fewer. These tests
/// cover what that changes: who sends the route, the router's answer overtaking policy's, abandonment and policy
/// failures while policy may already have routed, and a policy from before the change.
/// </summary>
public sealed class RouteThroughPolicyTests
{
    private static readonly Dictionary<string, string?> ShortPolicyTimeout = new() { ["Ingress:PolicyTimeout"] = "00:00:00.300" };

    [Fact]
    public async Task Policy_sends_the_admitted_route_and_the_saga_only_arms_its_timeout()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = Gate();
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, Neighbours.Route);
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);

        var attached = Assert.Single(mesh.Neighbours.Authorizations.Snapshot()).Route;
        Assert.NotNull(attached);
        Assert.Equal("", attached.PrincipalId);
        var route = await mesh.Neighbours.Routes.WaitForAsync(r => r.RequestId == request.RequestId);
        Assert.Equal(attached with { PrincipalId = Neighbours.Principal }, route);

        // The policy timeout was cancelled by its answer; the routing timeout is armed in its place.
        await SagaHost.WaitUntilAsync(() => mesh.Scheduler.Pending == 1);

        router.SetResult();
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);
        Assert.Equal(200, answer.Status);

        // One RouteCompletion on the bus, the one policy sent, answering to this instance.
        var sent = Assert.Single(mesh.Harness.Sent.Select<RouteCompletion>());
        Assert.Equal((request.RequestId, mesh.Instance.Address), (sent.Context.RequestId, sent.Context.ResponseAddress));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Ok, Neighbours.Principal, Neighbours.KeyId), (usage.Outcome, usage.PrincipalId, usage.KeyId));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await SagaHost.WaitUntilAsync(() => mesh.Scheduler.Pending == 0);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_policy_that_predates_the_route_member_is_answered_by_the_saga_routing_itself()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Policy = Neighbours.AuthorizeOnly;
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(200, answer.Status);
        var route = Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.Equal(Neighbours.Principal, route.PrincipalId);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal(Neighbours.Principal, usage.PrincipalId);
        await mesh.AssertFinalizedAsync(request.RequestId);
    }

    [Fact]
    public async Task With_the_option_off_no_route_is_attached()
    {
        await using var mesh = await SagaHost.StartAsync(new() { ["Ingress:RouteThroughPolicy"] = "false" });
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(200, answer.Status);
        Assert.Null(Assert.Single(mesh.Neighbours.Authorizations.Snapshot()).Route);
        Assert.Single(mesh.Neighbours.Routes.Snapshot());
    }

    [Fact]
    public async Task A_request_naming_a_prompt_attaches_no_route_since_the_rendered_body_is_not_known_yet()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting"}}""", hasPrompt: true);

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(200, answer.Status);
        Assert.Null(Assert.Single(mesh.Neighbours.Authorizations.Snapshot()).Route);
        Assert.Equal(Neighbours.RenderedBody, Assert.Single(mesh.Neighbours.Routes.Snapshot()).Body);
    }

    [Fact]
    public async Task The_router_overtaking_policy_answers_the_client_at_once_and_meters_once_the_admission_arrives()
    {
        await using var mesh = await SagaHost.StartAsync();
        var admission = Gate();
        mesh.Neighbours.Policy = async c =>
        {
            await Neighbours.RouteOnAsync(c, c.Message.Route!);
            await admission.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await c.RespondAsync(new RequestAuthorized(
                c.Message.RequestId, Neighbours.Principal, Neighbours.KeyId, null, "team-1", Routed: true, OrganizationId: Neighbours.Organization));
        };
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(200, answer.Status);
        await mesh.AssertStateAsync(request.RequestId, m => m.RoutedBeforeAdmission);
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());

        admission.SetResult();
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Ok, Neighbours.Principal, Neighbours.KeyId, Neighbours.Deployment), (usage.Outcome, usage.PrincipalId, usage.KeyId, usage.Deployment));
        Assert.Equal(("team-1", Neighbours.Organization), (usage.TeamId, usage.OrganizationId));
        Assert.Equal(new TokenUsage(11, 7), usage.Usage);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_duplicate_router_answer_while_policy_is_slow_neither_ends_the_saga_nor_disarms_its_policy_timeout()
    {
        await using var mesh = await SagaHost.StartAsync();
        var admission = Gate();
        mesh.Neighbours.Policy = async c =>
        {
            // A redelivered route: the router answers the same request twice.
            await Neighbours.RouteOnAsync(c, c.Message.Route!);
            await Neighbours.RouteOnAsync(c, c.Message.Route!);
            await admission.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await c.RespondAsync(new RequestAuthorized(c.Message.RequestId, Neighbours.Principal, Neighbours.KeyId, null, "team-1", Routed: true));
        };
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(200, answer.Status);
        await SagaHost.WaitUntilAsync(() => mesh.Neighbours.Routes.Snapshot().Count == 2);
        await mesh.AssertStateAsync(request.RequestId, m => m.RoutedBeforeAdmission);
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        Assert.Equal(1, mesh.Scheduler.Pending);

        admission.SetResult();
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Ok, Neighbours.Principal), (usage.Outcome, usage.PrincipalId));
        await mesh.AssertFinalizedAsync(request.RequestId);
    }

    [Fact]
    public async Task A_duplicate_policy_answer_while_the_router_works_leaves_the_routing_timeout_armed()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = Gate();
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, Neighbours.Route);
        mesh.Neighbours.Policy = async c =>
        {
            await Neighbours.RouteOnAsync(c, c.Message.Route!);
            var admitted = new RequestAuthorized(c.Message.RequestId, Neighbours.Principal, Neighbours.KeyId, null, "team-1", Routed: true);
            await c.RespondAsync(admitted);
            await c.RespondAsync(admitted);
        };
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        // Take(2): the harness's list yields each message as it is consumed and ends only once the bus is idle.
        Assert.Equal(2, mesh.Harness.Consumed.Select<RequestAuthorized>().Take(2).Count());

        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);
        Assert.Equal(1, mesh.Scheduler.Pending);
        router.SetResult();
        Assert.Equal(200, (await SagaHost.ReadAllAsync(relay)).Answer.Status);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await SagaHost.WaitUntilAsync(() => mesh.Scheduler.Pending == 0);
        await mesh.SettleAsync();
        Assert.All(mesh.Harness.Consumed.Select<RequestAuthorized>(), m => Assert.Null(m.Exception));
    }

    [Fact]
    public async Task The_router_overtaking_a_policy_that_then_never_answers_still_meters_the_call_without_a_principal()
    {
        await using var mesh = await SagaHost.StartAsync(ShortPolicyTimeout);
        mesh.Neighbours.Policy = c => Neighbours.RouteOnAsync(c, c.Message.Route!);
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(200, answer.Status);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Ok, "", Neighbours.Deployment), (usage.Outcome, usage.PrincipalId, usage.Deployment));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
        Assert.Equal(0, mesh.Scheduler.Pending);
    }

    [Fact]
    public async Task Abandoned_while_policy_may_be_routing_the_saga_stays_to_meter_the_routers_cancellation()
    {
        await using var mesh = await SagaHost.StartAsync();
        var policy = Gate();
        mesh.Neighbours.Policy = Neighbours.After<AuthorizeRequest>(policy.Task, Neighbours.Authorize);
        mesh.Neighbours.Router = c => c.RespondAsync(new CompletionFailed(
            c.Message.RequestId, 499, "api_error", "client_cancelled", "The client went away.", null, null, 0, CompletionOutcomes.Cancelled,
            null, null, 0, null));
        var request = SagaHost.Chat();

        await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Authorization.Pending);
        await mesh.AbandonAsync(request.RequestId);
        var saga = mesh.InstanceOf(request.RequestId);
        await SagaHost.WaitUntilAsync(() => saga.Abandoned);
        Assert.Equal(mesh.Machine.Authorization.Pending.Name, saga.CurrentState);

        policy.SetResult();
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Cancelled, 499, Neighbours.Principal), (usage.Outcome, usage.Status, usage.PrincipalId));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task Abandoned_and_then_admitted_by_a_policy_that_does_not_route_ends_unmetered_with_nothing_routed()
    {
        await using var mesh = await SagaHost.StartAsync();
        var policy = Gate();
        mesh.Neighbours.Policy = Neighbours.After<AuthorizeRequest>(policy.Task, Neighbours.AuthorizeOnly);
        var request = SagaHost.Chat();

        await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Authorization.Pending);
        await mesh.AbandonAsync(request.RequestId);
        policy.SetResult();

        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_policy_timeout_with_the_route_attached_answers_503_and_tells_the_routers_to_drop_the_request()
    {
        await using var mesh = await SagaHost.StartAsync(ShortPolicyTimeout);
        mesh.Neighbours.Policy = Neighbours.Silent;
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal((503, "policy_unavailable"), (answer.Status, answer.Error!.Code));
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Published.Any<CompletionAbandoned>(
            x => x.Context.Message.RequestId == request.RequestId && x.Context.Message.Reason == "policy_unavailable")));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
    }

    private static TaskCompletionSource Gate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
