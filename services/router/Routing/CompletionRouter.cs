using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;
using AiMesh.Router.Pricing;
using AiMesh.Router.Providers;
using AiMesh.Router.Secrets;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>
/// Serves one <see cref="RouteCompletion"/>: picks the deployment, checks the request, hands the call to the
/// transport with the deployment's adapter, and shapes the answer with what the call cost (<see cref="CallCost"/>:
/// here, where the deployment is known). The only place that decides what a route request becomes; the consumer
/// around it only registers the call and responds.
/// </summary>
internal sealed class CompletionRouter(
    IDeploymentSelector selector,
    ProviderAdapters adapters,
    ProviderTransport transport,
    ChunkSinks sinks,
    ProviderCredentialStore credentials,
    CallCost costs,
    TimeProvider time,
    RouterMetrics metrics,
    ILogger<CompletionRouter> logger)
{
    public async Task<RouteResult> RouteAsync(RouteCompletion request, ISendEndpointProvider sendEndpoints, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sendEndpoints);
        var selected = selector.Select(request.Model, request.Api);
        if (selected is null)
        {
            logger.ModelNotFound(request.RequestId, request.Api);
            metrics.Rejected(ErrorCodes.ModelNotFound);
            return FailureMapper.Rejected(request, FailureMapper.ModelNotFound(request.Model, request.Api));
        }

        if (credentials.Resolve(selected) is not { } deployment)
        {
            logger.CredentialMissing(request.RequestId, selected.Name, selected.CredentialName!);
            return Reject(request, selected, FailureMapper.CredentialUnavailable(selected));
        }

        var body = ClientRequest.TryParse(request.Body);
        if (body is null)
        {
            return Reject(request, deployment, new(400, ErrorTypes.InvalidRequest, ErrorCodes.InvalidJson,
                "The request body is not a JSON object.", CompletionOutcomes.Error));
        }

        if (request.Stream && request.Api != ProviderApis.ChatCompletions)
        {
            return Reject(request, deployment, new(400, ErrorTypes.InvalidRequest, ErrorCodes.StreamUnsupported,
                $"Streaming is not available for {request.Api}.", CompletionOutcomes.Error, "stream"));
        }

        if (request.Stream && request.StreamAddress is null)
        {
            return Reject(request, deployment, new(500, ErrorTypes.Api, ErrorCodes.StreamAddressMissing,
                "The gateway asked for a stream without saying where to send it.", CompletionOutcomes.Error));
        }

        var call = new ProviderCall
        {
            RequestId = request.RequestId,
            Api = request.Api,
            Deployment = ClientHeaders.ForCall(deployment, request.ClientHeaders),
            Body = body,
            Stream = request.Stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(body),
        };
        logger.RouteStarted(request.RequestId, deployment.Name, deployment.Provider, request.Api, request.Stream);
        using var activity = RouterActivity.StartProviderCall(deployment, request);
        var started = time.GetTimestamp();
        CallOutcome outcome;
        // Disposing the sink waits until the ingress holds every chunk sent: the answer below must not overtake them.
        await using (var chunks = await sinks.OpenAsync(request, sendEndpoints))
        {
            outcome = await transport.CallAsync(call, adapters.Get(deployment.Provider), chunks, request.Deadline, abandoned);
        }

        var elapsed = time.GetElapsedTime(started);
        var durationMs = elapsed.TotalMilliseconds;
        metrics.Called(deployment, outcome, elapsed);
        var cost = costs.Of(deployment, call, outcome);

        if (outcome.Failure is null)
        {
            var routed = new CompletionRouted(
                request.RequestId, 200, outcome.Body, outcome.ChunkCount, deployment.Name, deployment.Provider,
                outcome.Attempts, outcome.Usage, outcome.FirstByteMs, ProviderTransport.Dropped(call), cost);
            activity.Succeeded(routed);
            logger.RouteSucceeded(request.RequestId, deployment.Name, routed.Status, routed.ChunkCount, routed.FirstByteMs, durationMs);
            return new RouteResult(routed, null, Billed(outcome));
        }

        var failed = FailureMapper.ToCompletionFailed(request, deployment, outcome) with { Cost = cost };
        activity.Failed(failed, outcome.Failure.UpstreamStatus);
        if (outcome.Failure.Kind == FailureKind.Cancelled)
        {
            // The client left: routine, not a provider problem worth a warning.
            logger.RouteCancelled(request.RequestId, deployment.Name, failed.ChunkCount, durationMs);
        }
        else
        {
            logger.RouteFailed(request.RequestId, deployment.Name, failed.Status, failed.Code, outcome.Failure.Kind.ToString(),
                outcome.Failure.UpstreamStatus, failed.ChunkCount, durationMs);
        }

        return new RouteResult(null, failed, Billed(outcome));
    }

    /// <summary>
    /// The attempts the provider bills: today the one call, once it began answering (the rule <see cref="CallCost"/>
    /// prices by). Issue 6's retries will count each attempt.
    /// </summary>
    private static int Billed(CallOutcome outcome) => outcome.Attempts > 0 && outcome.AnswerStarted ? 1 : 0;

    private CompletionFailed Reject(RouteCompletion request, Deployment deployment, FailureDescription description)
    {
        logger.RequestRejected(request.RequestId, description.Status, description.Code);
        metrics.Rejected(description.Code);

        // Nothing was sent: priced, it costs 0 (a refusal is still metered, and finance sees it was free).
        return FailureMapper.Rejected(request, description, deployment) with { Cost = costs.Of(deployment, null, null) };
    }
}
