using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Tests.Support;
using MassTransit;

namespace AiMesh.Ingress.Tests.Saga;

public sealed class FailureTests
{
    [Theory]
    [InlineData(401, "invalid_api_key", "invalid_request_error", null)]
    [InlineData(403, "key_disabled", "permission_error", null)]
    [InlineData(404, "model_not_found", "invalid_request_error", null)]
    [InlineData(429, "rate_limit_exceeded", "rate_limit_error", 7)]
    public async Task A_denial_is_answered_with_its_status_and_code_and_is_not_metered(int status, string code, string type, int? retryAfter)
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Policy = c => c.RespondAsync(new RequestDenied(c.Message.RequestId, status, code, "denied by the stub", retryAfter));
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (chunks, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Empty(chunks);
        Assert.Equal((request.RequestId, status, 0, (string?)null), (answer.RequestId, answer.Status, answer.ChunkCount, answer.Body));
        Assert.Equal(new AnswerError(type, code, "denied by the stub", null, retryAfter), answer.Error);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Renders.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        Assert.Empty(mesh.Harness.Sent.Select<RecordUsageBatch>());
    }

    [Theory]
    [InlineData(400, "missing_prompt_variable", "prompt.variables.name")]
    [InlineData(404, "prompt_not_found", "prompt.id")]
    public async Task A_prompt_that_cannot_be_rendered_is_answered_and_metered_as_an_error(int status, string code, string param)
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Prompts = c => c.RespondAsync(new PromptRenderFailed(c.Message.RequestId, status, code, "the stub refused", param));
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting"}}""", hasPrompt: true);

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(status, answer.Status);
        Assert.Equal(new AnswerError("invalid_request_error", code, "the stub refused", param, null), answer.Error);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Error, status, code), (usage.Outcome, usage.Status, usage.ErrorCode));
        Assert.Equal((Neighbours.Principal, Neighbours.KeyId, 0, (string?)null), (usage.PrincipalId, usage.KeyId, usage.Attempts, usage.Deployment));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Theory]
    [InlineData(502, "api_error", "provider_error", CompletionOutcomes.Error, 0, 2, null)]
    [InlineData(429, "rate_limit_error", "rate_limit_exceeded", CompletionOutcomes.Error, 0, 1, 30)]
    [InlineData(502, "api_error", "stream_truncated", CompletionOutcomes.Truncated, 3, 1, null)]
    [InlineData(499, "invalid_request_error", "client_cancelled", CompletionOutcomes.Cancelled, 2, 1, null)]
    [InlineData(504, "api_error", "timeout", CompletionOutcomes.TimedOut, 0, 3, null)]
    public async Task A_routing_failure_is_answered_as_the_router_said_and_metered_with_its_outcome(
        int status, string type, string code, string outcome, int chunkCount, int attempts, int? retryAfter)
    {
        await using var mesh = await SagaHost.StartAsync();
        var usageSoFar = new TokenUsage(5, chunkCount, Estimated: true);
        mesh.Neighbours.Router = async c =>
        {
            var endpoint = await c.GetSendEndpoint(c.Message.StreamAddress!);
            for (var i = 0; i < chunkCount; i++)
            {
                await endpoint.Send(new CompletionChunk(c.Message.RequestId, i, $"chunk {i}"));
            }

            await c.RespondAsync(new CompletionFailed(
                c.Message.RequestId, status, type, code, "the stub failed", "model", retryAfter, chunkCount, outcome,
                Neighbours.Deployment, Neighbours.Provider, attempts, usageSoFar));
        };
        var request = SagaHost.Chat(stream: true);

        var relay = await mesh.SubmitAsync(request);
        var (chunks, answer, incomplete) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(Enumerable.Range(0, chunkCount).Select(i => $"chunk {i}"), chunks);
        Assert.False(incomplete);
        Assert.Equal((status, chunkCount, (string?)null, Neighbours.Deployment), (answer.Status, answer.ChunkCount, answer.Body, answer.Deployment));
        Assert.Equal(new AnswerError(type, code, "the stub failed", "model", retryAfter), answer.Error);
        Assert.Equal(usageSoFar, answer.Usage);
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((outcome, status, code), (usage.Outcome, usage.Status, usage.ErrorCode));
        Assert.Equal((Neighbours.Deployment, Neighbours.Provider, attempts, usageSoFar), (usage.Deployment, usage.Provider, usage.Attempts, usage.Usage));
        Assert.Null(usage.FirstTokenMs);
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_policy_fault_is_answered_503_policy_unavailable_and_not_metered()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Policy = Neighbours.Throw;
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(503, answer.Status);
        Assert.Equal(("api_error", "policy_unavailable", 1), (answer.Error!.Type, answer.Error.Code, answer.Error.RetryAfterSeconds));
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Saga.Consumed.Any<Fault<AuthorizeRequest>>()));
        Assert.NotEmpty(mesh.Harness.Sent.Select<Fault>());
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_prompts_fault_is_answered_503_prompts_unavailable_and_metered_as_an_error()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Prompts = Neighbours.Throw;
        var request = SagaHost.Chat(body: """{"model":"gpt-4o-mini","prompt":{"id":"greeting"}}""", hasPrompt: true);

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal((503, "prompts_unavailable"), (answer.Status, answer.Error!.Code));
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Saga.Consumed.Any<Fault<RenderPrompt>>()));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Error, 503, "prompts_unavailable"), (usage.Outcome, usage.Status, usage.ErrorCode));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Empty(mesh.Neighbours.Routes.Snapshot());
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_router_fault_is_answered_502_router_failed_and_metered_as_an_error()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Router = Neighbours.Throw;
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal((502, "api_error", "router_failed"), (answer.Status, answer.Error!.Type, answer.Error.Code));
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Saga.Consumed.Any<Fault<RouteCompletion>>()));
        var usage = await mesh.Neighbours.Usage.WaitForAsync(u => u.RequestId == request.RequestId);
        Assert.Equal((CompletionOutcomes.Error, 502, "router_failed"), (usage.Outcome, usage.Status, usage.ErrorCode));
        await mesh.AssertFinalizedAsync(request.RequestId);
        await mesh.SettleAsync();
        Assert.Single(mesh.Neighbours.Usage.Snapshot());
    }

    [Fact]
    public async Task A_submission_taken_after_its_accept_by_time_starts_nothing()
    {
        await using var mesh = await SagaHost.StartAsync();
        var request = SagaHost.Chat() with { AcceptBefore = DateTimeOffset.UtcNow.AddSeconds(-1) };

        var relay = await mesh.SubmitAsync(request);
        await mesh.SettleAsync();

        Assert.Null(await mesh.Saga.NotExists(request.RequestId, TimeSpan.FromSeconds(30)));
        Assert.Empty(mesh.Neighbours.Authorizations.Snapshot());
        await SagaHost.AssertNothingMoreAsync(relay);
        Assert.Empty(mesh.Neighbours.Usage.Snapshot());
        Assert.Equal(0, mesh.Scheduler.Pending);
    }

    [Fact]
    public async Task A_duplicated_router_answer_after_the_end_is_discarded_and_metered_once()
    {
        await using var mesh = await SagaHost.StartAsync();
        mesh.Neighbours.Router = async c =>
        {
            await c.RespondAsync(Neighbours.Routed(c.Message, "{}", 0));
            await c.RespondAsync(new CompletionFailed(
                c.Message.RequestId, 502, "api_error", "late", "late", null, null, 0, CompletionOutcomes.Error, null, null, 1, null));
        };
        var request = SagaHost.Chat();

        var relay = await mesh.SubmitAsync(request);
        var (_, answer, _) = await SagaHost.ReadAllAsync(relay);

        Assert.Equal(200, answer.Status);
        await mesh.AssertFinalizedAsync(request.RequestId);
        Assert.True(await SagaHost.EventuallyAsync(() => mesh.Harness.Sent.Any<CompletionFailed>()));
        await mesh.SettleAsync();
        var usage = Assert.Single(mesh.Neighbours.Usage.Snapshot());
        Assert.Equal(CompletionOutcomes.Ok, usage.Outcome);

        // Whether the late answer finds the instance still finishing (and is ignored there) or already gone (and is
        // discarded as a missing instance) is a race; either way it changes nothing and faults nothing.
        Assert.Empty(mesh.Harness.Published.Select<Fault>());
        Assert.Null(await mesh.Saga.NotExists(request.RequestId, TimeSpan.FromSeconds(5)));
    }
}
