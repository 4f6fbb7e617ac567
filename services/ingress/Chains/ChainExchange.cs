using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Usage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// <c>POST /v1/chains/{name}/run</c>: runs a stored prompt chain for a caller authenticated like a chat completion. The
/// definition comes from the prompts service over the bus (<see cref="GetChain"/>, never its database); then each step
/// is a child chat completion naming its prompt, submitted in process into the request saga with its own request id and
/// the caller's credential, so each is admitted by policy (limits, budgets), rendered, routed and metered exactly once
/// like any request; its answer comes back on a relay of its own and its assistant text becomes the step's output.
/// The first step that fails ends the run: later steps are never submitted, and the client gets that step's status
/// with an error naming it.
/// </summary>
internal sealed class ChainExchange(
    IngressInstance instance,
    BusHealth busHealth,
    UsageSender usage,
    ResponseRelays relays,
    SagaInbox inbox,
    IBus bus,
    IRequestClient<GetChain> chains,
    CallerAuthentication authentication,
    IOptions<IngressOptions> options,
    ILogger<ChainExchange> logger)
{
    /// <summary>Tags every step's usage event carries: the chain, the run (the answer's id) and the step.</summary>
    public const string ChainTag = "aimesh.chain";
    public const string RunTag = "aimesh.chain_run";
    public const string StepTag = "aimesh.chain_step";

    public async Task RunAsync(HttpContext http, string name)
    {
        var settings = options.Value;
        var started = DateTimeOffset.UtcNow;
        var (runId, clientRequestId) = RequestIds.Assign(http);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ChainRunId"] = runId, ["ClientRequestId"] = clientRequestId });

        var caller = await authentication.AuthenticateAsync(http);
        if (caller.Error is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, caller.Error);
            return;
        }

        var (body, readError) = await RequestBody.ReadAsync(http, settings.MaxBodyBytes);
        if (readError is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, readError);
            return;
        }

        if (ParseInput(body!, settings.MaxJsonDepth) is not { } input)
        {
            await OpenAiErrors.WriteAsync(http.Response, ApiError.Invalid("The chain's input must be a JSON object.", null, "invalid_json"));
            return;
        }

        if (Unavailable() is { } closed)
        {
            await OpenAiErrors.WriteAsync(http.Response, closed);
            return;
        }

        var (chain, lookupError) = await FindAsync(name, http.RequestAborted);
        if (chain is null)
        {
            await OpenAiErrors.WriteAsync(http.Response, lookupError!);
            return;
        }

        if (ChainStepPlan.MissingInput(chain, input) is { } missing)
        {
            await OpenAiErrors.WriteAsync(http.Response, missing);
            return;
        }

        // One deadline for the whole chain: each step's saga gets what is left of it.
        var deadline = started + settings.RequestTimeout;
        IngressLog.ChainStarted(logger, runId, chain.Name, chain.Steps.Count);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var completed = new List<ChainStepResult>(chain.Steps.Count);
        for (var i = 0; i < chain.Steps.Count; i++)
        {
            var step = chain.Steps[i];
            var stepId = NewId.NextGuid();
            var (answer, failure) = await RunStepAsync(http, chain, step, stepId, runId, caller, input, outputs, deadline, settings);
            if (failure is not null)
            {
                if (http.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                IngressLog.ChainStepFailed(logger, runId, chain.Name, i + 1, step.Name, stepId, failure.Status, failure.Code ?? "");
                await ChainAnswers.WriteFailureAsync(http.Response, runId, chain.Name, i, chain.Steps.Count, step.Name, stepId, failure, completed, http.RequestAborted);
                return;
            }

            var output = ChainStepPlan.OutputOf(answer!.Body);
            outputs[step.Name] = output;
            completed.Add(new ChainStepResult(step.Name, stepId, step.Prompt, answer.PromptVersion, output, answer.Usage));
        }

        IngressLog.ChainCompleted(logger, runId, chain.Name, completed.Count);
        await ChainAnswers.WriteAsync(http.Response, runId, chain.Name, completed, http.RequestAborted);
    }

    private static JsonObject? ParseInput(byte[] body, int maxDepth)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ApiError? Unavailable() =>
        instance.Address is null ? ApiError.Unavailable("gateway_starting")
        : !busHealth.IsHealthy ? ApiError.Unavailable("bus_unavailable")
        : usage.IsBacklogged ? ApiError.Unavailable("metering_backlog")
        : null;

    /// <summary>The chain's definition from the prompts service; 404 <c>chain_not_found</c>, or 503 when it does not answer.</summary>
    private async Task<(ChainDetail? Chain, ApiError? Error)> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await chains.GetResponse<ChainFound, PromptRequestFailed>(new GetChain(NewId.NextGuid(), name), cancellationToken);
            if (response.Is(out Response<ChainFound>? found))
            {
                return (found.Message.Chain, null);
            }

            if (!response.Is(out Response<PromptRequestFailed>? refusal))
            {
                throw new InvalidOperationException("The prompts service answered with an unexpected message type.");
            }

            var failed = refusal.Message;
            return (null, new ApiError(failed.Status == 404 ? 404 : 503, "invalid_request_error", failed.Code, failed.Message, "name"));
        }
        catch (RequestTimeoutException)
        {
            return (null, new ApiError(503, "api_error", "prompts_unavailable", "A gateway service is unavailable; try again shortly.", null, 1));
        }
    }

    /// <summary>
    /// One step as a child request of the saga, answered on a relay of its own. Returns the answer, or the error the
    /// step ended with (the saga's own: a denial, a render failure, a router error, the deadline; or the bus's).
    /// </summary>
    private async Task<(CompletionAnswered? Answer, ApiError? Failure)> RunStepAsync(
        HttpContext http, ChainDetail chain, ChainStepDetail step, Guid stepId, Guid runId, Caller caller, JsonObject input,
        IReadOnlyDictionary<string, string> outputs, DateTimeOffset deadline, IngressOptions settings)
    {
        var body = ChainStepPlan.Body(chain, step, input, outputs);
        var now = DateTimeOffset.UtcNow;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [ChainTag] = chain.Name, [RunTag] = runId.ToString("D"), [StepTag] = step.Name };
        var relay = relays.Open(stepId);
        try
        {
            var submit = new SubmitCompletion(
                stepId, "chat.completions", ChainStepPlan.ModelOf(chain, step), body, false, true, caller.CredentialHash,
                http.Connection.RemoteIpAddress?.ToString(), null, tags, now, deadline, now + settings.SubmitTimeout,
                null, caller.Principal, body.Length / 4, null);
            if (await TryDeliverAsync(submit) is { } refused)
            {
                await TryDeliverAsync(new AbandonRequest(stepId));
                return (null, refused);
            }

            // The saga answers every step by its deadline plus the router's grace; past that (an answer the bus lost) the
            // step is given up as the chat exchange gives one up.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            wait.CancelAfter(Max(deadline + settings.RouterGrace + settings.RouterGrace - DateTimeOffset.UtcNow, TimeSpan.Zero));
            try
            {
                while (true)
                {
                    var item = await relay.ReadAsync(settings.StreamGapTimeout, wait.Token);
                    if (item.Answer is { } answer)
                    {
                        return answer.Error is { } error ? (null, OpenAiErrors.From(answer.Status, error)) : (answer, null);
                    }
                }
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                await AbandonAsync(stepId, "deadline");
                return (null, new ApiError(504, "api_error", "timeout", "The request did not finish before its deadline."));
            }
            catch (OperationCanceledException)
            {
                IngressLog.ClientLeft(logger, stepId);
                await AbandonAsync(stepId, "client_disconnected");
                return (null, new ApiError(499, "api_error", "client_cancelled", "The client went away."));
            }
        }
        finally
        {
            relays.Close(stepId);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task AbandonAsync(Guid requestId, string reason)
    {
        try
        {
            await bus.Publish(new CompletionAbandoned(requestId, reason)).WaitAsync(options.Value.SubmitTimeout);
        }
        catch (TimeoutException)
        {
            busHealth.SendFailed();
            IngressLog.SubmitTimedOut(logger, requestId);
        }

        await TryDeliverAsync(new AbandonRequest(requestId));
    }

    /// <returns>Null when the saga took the message; else what to tell the client (as the chat exchange does).</returns>
    private async Task<ApiError?> TryDeliverAsync<T>(T message)
        where T : class
    {
        var limit = options.Value.SubmitTimeout;
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await inbox.DeliverAsync(message, timeout.Token).WaitAsync(limit);
            busHealth.SendSucceeded();
            return null;
        }
        catch (Exception ex) when (BusHealth.IsBrokerFailure(ex) || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            busHealth.SendFailed();
            IngressLog.DeliveryFailed(logger, typeof(T).Name, ex);
            return ApiError.Unavailable("bus_unavailable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            IngressLog.TransitionFailed(logger, typeof(T).Name, ex);
            return new ApiError(500, "api_error", "internal_error", "The gateway failed to start the request; it can be retried.");
        }
    }
}
