using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Bodies;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Usage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Coordinates one request: policy decision → prompt rendering (when the request names a prompt) → routing and
/// the provider call → answer to the HTTP exchange → usage record to metering. Every call out is a request with
/// a timeout; every ending answers the client and, once the request was admitted, records its usage exactly once.
/// </summary>
internal sealed class RequestStateMachine : MassTransitStateMachine<RequestState>
{
    public RequestStateMachine(
        IOptions<IngressOptions> options, ResponseRelays relays, ChainSteps chainSteps, StreamChannelAddress channel, UsageSender usage, ILogger<RequestStateMachine> logger)
    {
        var timeouts = options.Value;
        var answers = new AnswerActivity.Answers(relays, chainSteps);
        InstanceState(x => x.CurrentState);

        Event(() => Submitted, e => e.CorrelateById(m => m.Message.RequestId));
        Event(() => Abandoned, e =>
        {
            e.CorrelateById(m => m.Message.RequestId);
            e.OnMissingInstance(m => m.Discard());
        });

        // A saga has one call out at a time, so each request's id is the saga's CorrelationId: answers correlate by id,
        // the in-memory repository's fast path (a request-id property would make every answer a query, compiled per
        // message). Answers that arrive after the saga ended (client gone, timeout taken) are dropped, never faulted:
        // the instance endpoint is temporary and must not grow an error queue.
        // The saga arms each call's timeout itself (Timeout = zero here, ArmTimeout below): MassTransit cancels a request's
        // timeout on any answer to it, in any state, under the request id, which all three requests share, so a duplicate
        // answer (a redelivery) would disarm the timeout of whatever call is pending then and leave the saga waiting forever.
        Request(() => Authorization, r =>
        {
            r.ServiceAddress = Endpoints.PolicyAddress;
            r.Timeout = TimeSpan.Zero;
            r.Completed = c => c.OnMissingInstance(m => m.Discard());
            r.Completed2 = c => c.OnMissingInstance(m => m.Discard());
            r.Faulted = c => c.OnMissingInstance(m => m.Discard());
            r.TimeoutExpired = c => c.OnMissingInstance(m => m.Discard());
        });
        Request(() => PromptRendering, r =>
        {
            r.ServiceAddress = Endpoints.PromptsAddress;
            r.Timeout = TimeSpan.Zero;
            r.Completed = c => c.OnMissingInstance(m => m.Discard());
            r.Completed2 = c => c.OnMissingInstance(m => m.Discard());
            r.Faulted = c => c.OnMissingInstance(m => m.Discard());
            r.TimeoutExpired = c => c.OnMissingInstance(m => m.Discard());
        });
        Request(() => Routing, r =>
        {
            r.ServiceAddress = Endpoints.RouterAddress;
            r.Timeout = TimeSpan.Zero;
            r.Completed = c => c.OnMissingInstance(m => m.Discard());
            r.Completed2 = c => c.OnMissingInstance(m => m.Discard());
            r.Faulted = c => c.OnMissingInstance(m => m.Discard());
            r.TimeoutExpired = c => c.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(Submitted, c => c.Message.AcceptBefore < DateTimeOffset.UtcNow)
                .Finalize(),
            When(Submitted, c => c.Message.AcceptBefore >= DateTimeOffset.UtcNow)
                .Then(c => Accept(c.Saga, c.Message, c.ReceiveContext.InputAddress, timeouts.RouteThroughPolicy))
                .Request(Authorization, c => new AuthorizeRequest(
                    c.Saga.CorrelationId, c.Message.CredentialHash, c.Saga.Api, c.Message.AuthorizeAs ?? c.Saga.Model, c.Saga.ClientAddress,
                    c.Saga.RouteAttached ? RouteOf(c.Saga, channel) : null, c.Message.Principal, c.Message.InputTokens, c.Message.MaxOutputTokens,
                    c.Message.ApiRequestsPerMinute))
                .ArmTimeout(timeouts.PolicyTimeout, c => AuthorizationOf(c.Saga))
                .TransitionTo(Authorization.Pending));

        // With the route attached, policy sends an admitted request on to the router itself (RequestAuthorized.Routed):
        // the saga then only arms the routing timeout. The router's answer may even overtake policy's (two queues, no
        // order between them): the client is answered at once and the usage record waits for the admission it needs.
        During(Authorization.Pending,
            When(Authorization.Completed, c => c.Message.Routed)
                .Then(c => Admit(c.Saga, c.Message, relays, timeouts, logger))
                .ArmTimeout(timeouts.RequestTimeout + timeouts.RouterGrace, c => RouteOf(c.Saga, channel))
                .TransitionTo(Routing.Pending),
            When(Authorization.Completed, c => !c.Message.Routed && c.Saga.Abandoned)
                .Finalize(),
            When(Authorization.Completed, c => !c.Message.Routed && !c.Saga.Abandoned)
                .Then(c => Admit(c.Saga, c.Message, relays, timeouts, logger))
                .IfElse(c => c.Saga.HasPrompt,
                    render => render
                        .Request(PromptRendering, c => new RenderPrompt(c.Saga.CorrelationId, c.Saga.Body, StickyKeyOf(c.Saga)))
                        .ArmTimeout(timeouts.PromptsTimeout, c => new RenderPrompt(c.Saga.CorrelationId, ""))
                        .TransitionTo(PromptRendering.Pending),
                    route => route
                        .Request(Routing, c => RouteOf(c.Saga, channel))
                        .ArmTimeout(timeouts.RequestTimeout + timeouts.RouterGrace, c => RouteOf(c.Saga, channel))
                        .TransitionTo(Routing.Pending)),
            When(Authorization.Completed2)
                .Then(c => relays.Find(c.Saga.CorrelationId)?.Decided(c.Message.Limits))
                .Answer(answers, c => Fail(c.Saga, c.Message.Status,
                    new AnswerError(TypeFor(c.Message.Status), c.Message.Code, c.Message.Message, null, c.Message.RetryAfterSeconds)))
                .Finalize(),

            // Policy may have sent the route before failing or being too slow: the router refuses or stops it. (What the
            // provider billed meanwhile is in the router's report, which metering writes as the usage event after the grace.)
            When(Authorization.Faulted)
                .If(c => c.Saga.RouteAttached, b => b.Publish(c => new CompletionAbandoned(c.Saga.CorrelationId, "policy_unavailable")))
                .Then(c => relays.Find(c.Saga.CorrelationId)?.Decided(null))
                .Answer(answers, c => Unavailable(c.Saga, "policy_unavailable"))
                .Finalize(),
            When(Authorization.TimeoutExpired)
                .If(c => c.Saga.RouteAttached, b => b.Publish(c => new CompletionAbandoned(c.Saga.CorrelationId, "policy_unavailable")))
                .Then(c => relays.Find(c.Saga.CorrelationId)?.Decided(null))
                .Answer(answers, c => Unavailable(c.Saga, "policy_unavailable"))
                .Finalize(),

            // Not yet admitted. Without a route attached nothing was started: done. With one, policy may be routing it
            // now: the router heard of the abandonment from the exchange and answers client_cancelled, which the saga
            // must still be here to meter.
            When(Abandoned)
                .IfElse(c => c.Saga.RouteAttached,
                    wait => wait.Then(c => c.Saga.Abandoned = true),
                    done => done.Finalize()),
            When(Routing.Completed)
                .Answer(answers, c => Routed(c.Saga, c.Message))
                .Then(c => c.Saga.EarlyUsage = Usage(c.Saga, c.Message))
                .ArmTimeout(timeouts.PolicyTimeout, c => AuthorizationOf(c.Saga))
                .TransitionTo(RoutedBeforeAdmission),
            When(Routing.Completed2)
                .Answer(answers, c => Failed(c.Saga, c.Message))
                .Then(c => c.Saga.EarlyUsage = Usage(c.Saga, c.Message))
                .ArmTimeout(timeouts.PolicyTimeout, c => AuthorizationOf(c.Saga))
                .TransitionTo(RoutedBeforeAdmission),
            When(Routing.Faulted)
                .Answer(answers, c => RouterFailed(c.Saga))
                .Then(c => c.Saga.EarlyUsage = Usage(c.Saga, CompletionOutcomes.Error, 502, "router_failed"))
                .ArmTimeout(timeouts.PolicyTimeout, c => AuthorizationOf(c.Saga))
                .TransitionTo(RoutedBeforeAdmission));

        // The client has its answer; the usage record needs who was admitted. Policy sent its answer right after the
        // route, so it is a moment away; should it never come, the record is kept without a principal rather than lost.
        During(RoutedBeforeAdmission,
            When(Authorization.Completed)
                .Then(c => Admit(c.Saga, c.Message, relays, timeouts, logger))
                .RecordUsage(usage, c => c.Saga.EarlyUsage! with { PrincipalId = c.Saga.PrincipalId ?? "", KeyId = c.Saga.KeyId ?? "", TeamId = c.Saga.TeamId, OrganizationId = c.Saga.OrganizationId })
                .Finalize(),
            When(Authorization.Completed2)
                .RecordUsage(usage, c => c.Saga.EarlyUsage!)
                .Finalize(),
            When(Authorization.Faulted)
                .RecordUsage(usage, c => c.Saga.EarlyUsage!)
                .Finalize(),
            When(Authorization.TimeoutExpired)
                .RecordUsage(usage, c => c.Saga.EarlyUsage!)
                .Finalize(),
            Ignore(Abandoned));

        During(PromptRendering.Pending, [
            When(PromptRendering.Completed)
                .Then(c =>
                {
                    c.Saga.Body = c.Message.Body;
                    c.Saga.PromptId = c.Message.PromptId;
                    c.Saga.PromptVersion = c.Message.PromptVersion;

                    // A logged request keeps what the provider is asked with too (content: only when bodies are logged).
                    c.Saga.Capture?.Rendered(c.Message.Body);
                })
                .Request(Routing, c => RouteOf(c.Saga, channel))
                .ArmTimeout(timeouts.RequestTimeout + timeouts.RouterGrace, c => RouteOf(c.Saga, channel))
                .TransitionTo(Routing.Pending),
            When(PromptRendering.Completed2)
                .Answer(answers, c => Fail(c.Saga, c.Message.Status,
                    new AnswerError("invalid_request_error", c.Message.Code, c.Message.Message, c.Message.Param, null)))
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.Error, c.Message.Status, c.Message.Code))
                .Finalize(),
            When(PromptRendering.Faulted)
                .Answer(answers, c => Unavailable(c.Saga, "prompts_unavailable"))
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.Error, 503, "prompts_unavailable"))
                .Finalize(),
            When(PromptRendering.TimeoutExpired)
                .Answer(answers, c => Unavailable(c.Saga, "prompts_unavailable"))
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.Error, 503, "prompts_unavailable"))
                .Finalize(),
            When(Abandoned)
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.Cancelled, 499, null))
                .Finalize(),
            .. Late(Authorization)]);

        During(Routing.Pending, [
            When(Routing.Completed)
                .Answer(answers, c => Routed(c.Saga, c.Message))
                .RecordUsage(usage, c => Usage(c.Saga, c.Message))
                .Finalize(),
            When(Routing.Completed2)
                .Answer(answers, c => Failed(c.Saga, c.Message))
                .RecordUsage(usage, c => Usage(c.Saga, c.Message))
                .Finalize(),
            When(Routing.Faulted)
                .Answer(answers, c => RouterFailed(c.Saga))
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.Error, 502, "router_failed"))
                .Finalize(),
            When(Routing.TimeoutExpired)
                .Publish(c => new CompletionAbandoned(c.Saga.CorrelationId, "deadline"))
                .Answer(answers, c => Fail(c.Saga, 504, new AnswerError("api_error", "timeout", "The request did not finish before its deadline.", null, null)))
                .RecordUsage(usage, c => Usage(c.Saga, CompletionOutcomes.TimedOut, 504, "timeout"))
                .Finalize(),

            // The router holds the provider call: it cancels it and answers client_cancelled, which ends the saga
            // above with the attempts and any usage the provider billed.
            When(Abandoned).Then(c => c.Saga.Abandoned = true),
            .. Late(Authorization),
            .. Late(PromptRendering)]);

        // Whichever way the saga ends, the timeout it armed last goes with it (a replaced one went when the next was armed).
        Finally(ended => ended.DisarmTimeout());

        SetCompletedWhenFinalized();
    }

    public Event<SubmitCompletion> Submitted { get; private set; } = null!;

    public Event<AbandonRequest> Abandoned { get; private set; } = null!;

    public Request<RequestState, AuthorizeRequest, RequestAuthorized, RequestDenied> Authorization { get; private set; } = null!;

    public Request<RequestState, RenderPrompt, PromptRendered, PromptRenderFailed> PromptRendering { get; private set; } = null!;

    public Request<RequestState, RouteCompletion, CompletionRouted, CompletionFailed> Routing { get; private set; } = null!;

    /// <summary>The router answered a route policy sent before policy's admission reached the saga.</summary>
    public State RoutedBeforeAdmission { get; private set; } = null!;

    /// <summary>
    /// An earlier call's answers and timeout, arriving after the saga moved on: a redelivered or duplicate answer, or a
    /// timeout that fired while the answer was on its way. Nothing to do; without this they would fault as unhandled
    /// (MassTransit binds a request's own catch-all handlers only to the states declared before it).
    /// </summary>
    private EventActivities<RequestState>[] Late<TRequest, TResponse, TResponse2>(Request<RequestState, TRequest, TResponse, TResponse2> call)
        where TRequest : class
        where TResponse : class
        where TResponse2 : class =>
        [Ignore(call.Completed), Ignore(call.Completed2), Ignore(call.Faulted), Ignore(call.TimeoutExpired)];

    private static void Accept(RequestState saga, SubmitCompletion message, Uri replyAddress, bool routeThroughPolicy)
    {
        saga.RouteAttached = routeThroughPolicy && !message.HasPrompt;
        saga.ReplyAddress = replyAddress;
        saga.Api = message.Api;
        saga.Model = message.Model;
        saga.Body = message.Body;
        saga.Stream = message.Stream;
        saga.HasPrompt = message.HasPrompt;
        saga.ClientAddress = message.ClientAddress;
        saga.User = message.User;
        saga.Tags = message.Tags;
        saga.ClientHeaders = message.ClientHeaders;
        saga.StartedAt = message.StartedAt;
        saga.Deadline = message.Deadline;
        saga.ChainRunId = message.ChainRunId;
    }

    private static void Admit(RequestState saga, RequestAuthorized admitted, ResponseRelays relays, IngressOptions options, ILogger logger)
    {
        saga.PrincipalId = admitted.PrincipalId;
        saga.KeyId = admitted.KeyId;
        saga.TeamId = admitted.TeamId;
        saga.OrganizationId = admitted.OrganizationId;
        saga.KeyTags = admitted.KeyTags;
        saga.TeamTags = admitted.TeamTags;
        saga.Regions = admitted.Regions;
        saga.Settlement = admitted.Settlement;

        // Straight to the exchange, not after the transition: it is only for headers, and the first chunk may be close.
        // A logged request's capture goes first, so the exchange has it before it writes anything (it waits for the
        // decision before its first byte). An exchange already gone (the client left) logs nothing.
        var relay = relays.Find(saga.CorrelationId);
        if (admitted.LogBodies && relay is not null)
        {
            var capture = new BodyCapture(options.BodyLogMaxBytes, logger);
            saga.Capture = relay.TryStartCapture(capture) ? capture : null;
        }
        else if (admitted.LogBodies && saga.ChainRunId is not null)
        {
            // A chain step has no exchange: the saga fills its capture itself, with the body the chain made (before
            // rendering, as a client's request is logged as sent) and the answer (see AnswerActivity, UsageActivity).
            saga.Capture = new BodyCapture(options.BodyLogMaxBytes, logger);
            saga.StepRequest = System.Text.Encoding.UTF8.GetBytes(saga.Body);
        }

        relay?.Decided(admitted.Limits);
    }

    /// <summary>
    /// Who a prompt experiment keeps on one version: the request's end user (OpenAI <c>user</c>), else the admitted
    /// principal when it is a user, else the key. Prefixed so an end user named like a key id is never taken for it.
    /// </summary>
    private static string? StickyKeyOf(RequestState saga) =>
        !string.IsNullOrEmpty(saga.User) ? "end-user:" + saga.User
        : saga.PrincipalId?.StartsWith("user:", StringComparison.Ordinal) == true ? "principal:" + saga.PrincipalId
        : saga.KeyId is { Length: > 0 } key ? "key:" + key
        : null;

    private static AuthorizeRequest AuthorizationOf(RequestState saga) =>
        new(saga.CorrelationId, "", saga.Api, saga.Model, saga.ClientAddress);

    private static CompletionAnswered Routed(RequestState saga, CompletionRouted routed) => new(
        saga.CorrelationId, routed.Status, routed.Body, routed.ChunkCount, null, routed.Deployment, routed.Usage, routed.DroppedParameters, routed.Cost,
        saga.PromptVersion);

    private static CompletionAnswered Failed(RequestState saga, CompletionFailed failed) => new(
        saga.CorrelationId, failed.Status, null, failed.ChunkCount,
        new AnswerError(failed.Type, failed.Code, failed.Message, failed.Param, failed.RetryAfterSeconds), failed.Deployment, failed.Usage, Cost: failed.Cost,
        PromptVersion: saga.PromptVersion);

    private static CompletionAnswered RouterFailed(RequestState saga) =>
        Fail(saga, 502, new AnswerError("api_error", "router_failed", "The router failed to serve the request.", null, null));

    private static RouteCompletion RouteOf(RequestState saga, StreamChannelAddress channel) => new(
        saga.CorrelationId, saga.Api, saga.Model, saga.Body, saga.Stream,
        saga.Stream ? saga.ReplyAddress : null, saga.Deadline, saga.PrincipalId ?? "",
        saga.Stream ? channel.For(saga.CorrelationId) : null, saga.ClientHeaders, saga.KeyId, saga.TeamId, saga.OrganizationId,
        saga.KeyTags, saga.TeamTags, saga.Regions);

    private static string TypeFor(int status) => status switch
    {
        401 => "invalid_request_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        _ => "invalid_request_error",
    };

    private static CompletionAnswered Fail(RequestState saga, int status, AnswerError error) =>
        new(saga.CorrelationId, status, null, 0, error, null, null);

    private static CompletionAnswered Unavailable(RequestState saga, string code) =>
        Fail(saga, 503, new AnswerError("api_error", code, "A gateway service is unavailable; try again shortly.", null, 1));

    private static RecordUsage Usage(RequestState saga, CompletionRouted ok) =>
        Usage(saga, CompletionOutcomes.Ok, ok.Status, null, ok.Deployment, ok.Provider, ok.Attempts, ok.Usage, ok.FirstByteMs, ok.Cost);

    private static RecordUsage Usage(RequestState saga, CompletionFailed failed) =>
        Usage(saga, failed.Outcome, failed.Status, failed.Code, failed.Deployment, failed.Provider, failed.Attempts, failed.Usage, null, failed.Cost);

    private static RecordUsage Usage(RequestState saga, string outcome, int status, string? code) =>
        Usage(saga, outcome, status, code, null, null, 0, null, null, null);

    // The cost is the router's (it knows the deployment and its prices); the saga only carries it to metering.
    private static RecordUsage Usage(
        RequestState saga, string outcome, int status, string? code, string? deployment, string? provider, int attempts, TokenUsage? usage,
        double? firstByteMs, Cost? cost)
    {
        var finished = DateTimeOffset.UtcNow;
        return new RecordUsage(
            saga.CorrelationId, saga.StartedAt, finished, saga.PrincipalId ?? "", saga.KeyId ?? "", saga.Api, saga.Model,
            deployment, provider, attempts, outcome, status, code, usage, (finished - saga.StartedAt).TotalMilliseconds,
            firstByteMs, saga.Stream, saga.ClientAddress, saga.User, saga.Tags, saga.PromptId, saga.PromptVersion, cost, saga.TeamId, saga.OrganizationId);
    }
}
