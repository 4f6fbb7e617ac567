using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Tests.Support;

namespace AiMesh.Ingress.Tests.Saga;

public sealed class HappyPathTests
{
    [Fact]
    public async Task The_answer_carries_the_parameters_the_router_dropped()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Router = c => c.RespondAsync(Neighbours.Routed(c.Message, "{}", 0) with { DroppedParameters = ["logprobs"] });
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));

        Assert.Equal(["logprobs"], answer.DroppedParameters);
    }

    [Fact]
    public async Task The_routers_cost_reaches_the_answer_and_the_usage_record_unchanged()
    {
        await using var mesh = await SagaHost.StartAsync();
        var cost = new Cost(0.0000123m, "USD", "2026-11-23", Estimated: true);
        mesh.Neighbours.Router = c => c.RespondAsync(Neighbours.Routed(c.Message, "{}", 0) with { Cost = cost });
        var request = SagaHost.Chat();

        var (_, answer, _) = await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);

        Assert.Equal(cost, answer.Cost);
        Assert.Equal(cost, usage.Cost);
    }

    [Fact]
    public async Task A_failed_calls_cost_is_metered_too()
    {
        await using var mesh = await SagaHost.StartAsync();
        var cost = new Cost(0.0004m, "USD", "2026-11-23", Estimated: true);
        mesh.Neighbours.Router = c => c.RespondAsync(new CompletionFailed(c.Message.RequestId, 502, "api_error", "upstream_stream_truncated", "cut",
            null, null, 3, CompletionOutcomes.Truncated, Neighbours.Deployment, Neighbours.Provider, 1, null, cost));
        var request = SagaHost.Chat();

        await SagaHost.ReadAllAsync(await mesh.SubmitAsync(request));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);

        Assert.Equal((CompletionOutcomes.Truncated, cost), (usage.Outcome, usage.Cost));
    }

    [Fact]
    public async Task A_logged_requests_record_waits_for_the_exchange_and_leaves_with_its_bodies_redacted()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Policy = async c =>
        {
            await Neighbours.RouteOnAsync(c, c.Message.Route!);
            await c.RespondAsync(new RequestAuthorized(c.Message.RequestId, Neighbours.Principal, Neighbours.KeyId, null, "team-1", Routed: true, LogBodies: true));
        };
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);
        var capture = relay.Capture;
        Assert.NotNull(capture);
        capture.Answer(answer.Body!);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());

        // The exchange ends: the body as the client sent it, and its key.
        relay.EndCapture()!.ExchangeEnded("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"key sk-live-0123456789abcdefXYZ"}]}"""u8.ToArray(), "sk-live-0123456789abcdefXYZ");

        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"key [redacted]"}]}""", usage.Bodies!.Request);
        Assert.Equal(answer.Body, usage.Bodies.Response);
        Assert.Equal((Neighbours.KeyId, CompletionOutcomes.Ok), (usage.KeyId, usage.Outcome));
    }

    [Fact]
    public async Task A_request_not_logged_starts_no_capture_and_its_record_carries_no_bodies()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        await SagaHost.ReadAllAsync(relay);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);

        Assert.Null(relay.Capture);
        Assert.Null(relay.EndCapture());
        Assert.Null(usage.Bodies);
    }

    [Fact]
    public async Task A_plain_request_is_authorized_routed_answered_and_metered_once()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (chunks, answer, incomplete) = await SagaHost.ReadAllAsync(relay);

        Assert.Empty(chunks);
        Assert.False(incomplete);
        Assert.Equal((request.RequestId, 200, 0, Neighbours.Deployment), (answer.RequestId, answer.Status, answer.ChunkCount, answer.Deployment));
        Assert.Null(answer.Error);
        Assert.Equal("""{"id":"chatcmpl-1","object":"chat.completion"}""", answer.Body);
        Assert.Equal(new TokenUsage(11, 7), answer.Usage);

        // The route rides with the authorization; policy fills in who was admitted and sends it on.
        var authorize = Assert.Single(mesh.Neighbours.Authorizations.Snapshot());
        var expectedRoute = new RouteCompletion(request.RequestId, "chat.completions", "gpt-4o-mini", request.Body, false, null, request.Deadline, "");
        Assert.Equal(new AuthorizeRequest(request.RequestId, request.CredentialHash, "chat.completions", "gpt-4o-mini", "10.1.2.3", expectedRoute), authorize);

        var route = Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.Equal(expectedRoute with { PrincipalId = Neighbours.Principal }, route);
        Assert.Empty(mesh.Neighbours.Renders.Snapshot());

        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Ok, 200, (string?)null), (usage.Outcome, usage.Status, usage.ErrorCode));
        Assert.Equal((Neighbours.Principal, Neighbours.KeyId, "chat.completions", "gpt-4o-mini"), (usage.PrincipalId, usage.KeyId, usage.Api, usage.ModelRequested));
        Assert.Equal(("team-1", Neighbours.Organization), (usage.TeamId, usage.OrganizationId));
        Assert.Equal((Neighbours.Deployment, Neighbours.Provider, 1), (usage.Deployment, usage.Provider, usage.Attempts));
        Assert.Equal(new TokenUsage(11, 7), usage.Usage);
        Assert.Equal(42.5, usage.FirstTokenMs);
        Assert.Equal((false, "10.1.2.3", "user-42"), (usage.Stream, usage.ClientAddress, usage.User));
        Assert.Equal(request.Tags, usage.Tags);
        Assert.Equal(request.StartedAt, usage.StartedAt);
        Assert.True(usage.FinishedAt >= usage.StartedAt);
        Assert.True(usage.LatencyMs >= 0);
        Assert.Null(usage.PromptId);
        Assert.Null(usage.PromptVersion);
        Assert.Null(usage.Cost);

        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
        var authorizeSent = Assert.Single(mesh.Harness.Sent.Select<AuthorizeRequest>());
        Assert.Equal(mesh.Instance.Address, authorizeSent.Context.ResponseAddress);
        var metered = Assert.Single(mesh.Harness.Sent.Select<RecordUsageBatch>());
        Assert.EndsWith("/" + Endpoints.Metering, metered.Context.DestinationAddress!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(request.RequestId, Assert.Single(metered.Context.Message.Records).RequestId);
    }

    [Fact]
    public async Task A_prompt_request_passes_through_every_state_and_routes_the_rendered_body()
    {
        await using var mesh = await SagaHost.StartAsync();
        var policy = Gate();
        var prompts = Gate();
        var router = Gate();
        mesh.Neighbours.Policy = Neighbours.After<AuthorizeRequest>(policy.Task, Neighbours.Authorize);
        mesh.Neighbours.Prompts = Neighbours.After<RenderPrompt>(prompts.Task, Neighbours.Render);
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, Neighbours.Route);
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting","variables":{"name":"Ada"}}}""", hasPrompt: true);

        var relay = await mesh.SubmitAsync(request);

        await mesh.AssertStateAsync(request.RequestId, m => m.Authorization.Pending);
        Assert.Empty(mesh.Neighbours.Renders.Snapshot());
        policy.SetResult();

        await mesh.AssertStateAsync(request.RequestId, m => m.PromptRendering.Pending);
        Assert.Null(Assert.Single(mesh.Neighbours.Authorizations.Snapshot()).Route);
        var render = await mesh.Neighbours.Renders.WaitForAsync(r => r.RequestId == request.RequestId);
        Assert.Equal(request.Body, render.Body);

        // The request's end user keeps it on one version of a prompt experiment.
        Assert.Equal("end-user:user-42", render.StickyKey);
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        prompts.SetResult();

        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);
        var route = await mesh.Neighbours.Routes.WaitForAsync(r => r.RequestId == request.RequestId);
        Assert.Equal(Neighbours.RenderedBody, route.Body);
        Assert.Equal((false, (Uri?)null, Neighbours.Principal, request.Deadline), (route.Stream, route.StreamAddress, route.PrincipalId, route.Deadline));
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        router.SetResult();

        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);
        Assert.Equal(200, answer.Status);
        await mesh.AssertFinalizedAsync(request.RequestId);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal(("greeting", "3", CompletionOutcomes.Ok), (usage.PromptId, usage.PromptVersion, usage.Outcome));
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task Without_an_end_user_the_admitted_key_keeps_a_request_on_one_version_of_a_prompt_experiment()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting","variables":{"name":"Ada"}}}""", hasPrompt: true) with { User = null };

        await mesh.SubmitAsync(request);

        // The stub's principal is not a user's, so the key is the stickiness key.
        var render = await mesh.Neighbours.Renders.WaitForAsync(r => r.RequestId == request.RequestId);
        Assert.Equal("key:" + Neighbours.KeyId, render.StickyKey);
        await mesh.AssertFinalizedAsync(request.RequestId);
    }

    [Fact]
    public async Task A_streamed_request_names_this_instance_as_stream_address_and_its_chunks_reach_the_relay_in_order()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Router = Neighbours.Stream(5);
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true);

        var relay = await mesh.SubmitAsync(request);
        var (chunks, answer, incomplete) = await SagaHost.ReadAllAsync(relay);

        var route = Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.True(route.Stream);
        Assert.NotNull(mesh.Instance.Address);
        Assert.Equal(mesh.Instance.Address, route.StreamAddress);
        Assert.Equal(["""{"n":0}""", """{"n":1}""", """{"n":2}""", """{"n":3}""", """{"n":4}"""], chunks);
        Assert.False(incomplete);
        Assert.Equal((200, 5, (string?)null), (answer.Status, answer.ChunkCount, answer.Body));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.True(usage.Stream);
        Assert.Equal(CompletionOutcomes.Ok, usage.Outcome);
    }

    [Fact]
    public async Task An_embeddings_request_is_authorized_and_routed_on_its_own_api()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat(body: """{"model":"text-embedding-3-small","input":"hi"}""") with { Api = "embeddings", Model = "text-embedding-3-small" };

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(200, answer.Status);
        var authorize = Assert.Single(mesh.Neighbours.Authorizations.Snapshot());
        Assert.Equal(("embeddings", "text-embedding-3-small"), (authorize.Operation, authorize.Model));
        var route = Assert.Single(mesh.Neighbours.Routes.Snapshot());
        Assert.Equal(("embeddings", "text-embedding-3-small", request.Body), (route.Api, route.Model, route.Body));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal(("embeddings", "text-embedding-3-small"), (usage.Api, usage.ModelRequested));
    }

    [Fact]
    public async Task While_a_step_is_pending_its_timeout_is_held_by_the_in_process_scheduler_and_cancelled_by_the_answer()
    {
        await using var mesh = await SagaHost.StartAsync();
        var router = Gate();
        mesh.Neighbours.Router = Neighbours.After<RouteCompletion>(router.Task, Neighbours.Route);
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        await mesh.AssertStateAsync(request.RequestId, m => m.Routing.Pending);

        // The policy timeout was cancelled by policy's answer; only the routing timeout is left.
        await SagaHost.WaitUntilAsync(() => mesh.Scheduler.Pending == 1);
        router.SetResult();
        await SagaHost.ReadAllAsync(relay);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await SagaHost.WaitUntilAsync(() => mesh.Scheduler.Pending == 0);
    }

    private static TaskCompletionSource Gate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
