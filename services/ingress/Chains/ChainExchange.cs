using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Usage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// <c>POST /v1/chains/{name}/run</c>: runs a stored prompt chain for a caller authenticated like a chat completion. The
/// definition comes from the prompts service over the bus (<see cref="GetChain"/>, never its database); the run itself
/// is the chain saga's (<see cref="ChainStateMachine"/>), started in process: it submits each step as a request of the
/// request saga and answers here once, with every step's output or the step that failed. This exchange only checks the
/// call, waits for that answer within the run's deadline, and writes it.
/// </summary>
internal sealed class ChainExchange(
    IngressInstance instance,
    BusHealth busHealth,
    UsageSender usage,
    ChainRuns runs,
    SagaInbox inbox,
    IRequestClient<GetChain> chains,
    CallerAuthentication authentication,
    IOptions<IngressOptions> options,
    ILogger<ChainExchange> logger)
{
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

        // One deadline for the whole chain: each step's request gets what is left of it.
        var deadline = started + settings.RequestTimeout;
        IngressLog.ChainStarted(logger, runId, chain.Name, chain.Steps.Count);
        var ended = runs.Open(runId);
        try
        {
            var start = new StartChain(
                runId, chain, input.ToJsonString(), caller.CredentialHash, caller.Principal, http.Connection.RemoteIpAddress?.ToString(), deadline);
            if (await inbox.TryDeliverAsync(start) is { } refused)
            {
                // A start that did not finish in time may still have begun the run: it must not go on for nobody.
                await inbox.TryDeliverAsync(new AbandonChain(runId, "not_started"));
                await OpenAiErrors.WriteAsync(http.Response, refused);
                return;
            }

            if (await WaitAsync(http, runId, ended, deadline, settings) is not { } outcome)
            {
                return;
            }

            if (outcome.Failure is { } failure)
            {
                IngressLog.ChainStepFailed(
                    logger, runId, chain.Name, failure.Index + 1, failure.Step, failure.StepRequestId, failure.Error.Status, failure.Error.Code ?? "");
                await ChainAnswers.WriteFailureAsync(
                    http.Response, runId, chain.Name, failure.Index, chain.Steps.Count, failure.Step, failure.StepRequestId, failure.Error, outcome.Completed,
                    http.RequestAborted);
                return;
            }

            IngressLog.ChainCompleted(logger, runId, chain.Name, outcome.Completed.Count);
            await ChainAnswers.WriteAsync(http.Response, runId, chain.Name, outcome.Completed, http.RequestAborted);
        }
        finally
        {
            runs.Close(runId);
        }
    }

    /// <summary>
    /// The run's outcome; null when there is none to write. Each step's request is answered by the deadline plus the
    /// router's grace (the request saga's own timeout); past twice that (an answer the bus lost) the run is given up as
    /// the chat exchange gives a request up: 504. A client that leaves gives the run up too, and gets nothing.
    /// </summary>
    private async Task<ChainOutcome?> WaitAsync(HttpContext http, Guid runId, Task<ChainOutcome> ended, DateTimeOffset deadline, IngressOptions settings)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var patience = deadline + settings.RouterGrace + settings.RouterGrace - DateTimeOffset.UtcNow;
        wait.CancelAfter(patience > TimeSpan.Zero ? patience : TimeSpan.Zero);
        try
        {
            return await ended.WaitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            await inbox.TryDeliverAsync(new AbandonChain(runId, "deadline"));
            await OpenAiErrors.WriteAsync(http.Response, new ApiError(504, "api_error", "timeout", "The chain did not finish before its deadline."));
            return null;
        }
        catch (OperationCanceledException)
        {
            IngressLog.ClientLeft(logger, runId);
            await inbox.TryDeliverAsync(new AbandonChain(runId, "client_disconnected"));
            return null;
        }
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
}
