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
/// Serves one <see cref="RouteCompletion"/>: checks the request, takes the first of the model's deployments (in the
/// selector's order) that can take the call, hands the call to the
/// transport with the deployment's adapter (and, when the model's group failed, to its fallback groups:
/// <see cref="FallbackChain"/>), and shapes the answer with what the call cost (<see cref="CallCost"/>:
/// here, where the deployment is known). The only place that decides what a route request becomes; the consumer
/// around it only registers the call and responds.
/// </summary>
internal sealed class CompletionRouter(
    IDeploymentSelector selector,
    ConditionalRouting conditional,
    ProviderAdapters adapters,
    ProviderTransport transport,
    ChunkSinks sinks,
    ProviderCredentialStore credentials,
    CallCost costs,
    DeploymentLimiter limiter,
    DeploymentStats stats,
    CircuitBreakers breakers,
    FallbackChain fallbacks,
    Admission.AdmissionGate admission,
    Resilience.RetryBudget budget,
    Shadowing.ShadowTraffic shadows,
    Microsoft.Extensions.Options.IOptions<Configuration.RouterOptions> options,
    TimeProvider time,
    RouterMetrics metrics,
    ILogger<CompletionRouter> logger)
{
    public async Task<RouteResult> RouteAsync(RouteCompletion request, ISendEndpointProvider sendEndpoints, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sendEndpoints);
        var startedAt = time.GetUtcNow();

        // The rules, splits and allowed regions (ConditionalRouting) choose whose deployments are candidates.
        var body = ClientRequest.TryParse(request.Body);
        var plan = conditional.Plan(request, body);
        var candidates = selector.Candidates(plan.Model, request.Api, plan.Constraints);
        if (candidates.Count == 0)
        {
            if (plan.Constraints.RestrictsRegions && selector.Candidates(plan.Model, request.Api).Count > 0)
            {
                logger.RegionNotAllowed(request.RequestId, plan.Model);
                metrics.Rejected(ErrorCodes.RegionNotAllowed);
                return FailureMapper.Rejected(request, FailureMapper.RegionNotAllowed(request.Model));
            }

            logger.ModelNotFound(request.RequestId, request.Api);
            metrics.Rejected(ErrorCodes.ModelNotFound);
            return FailureMapper.Rejected(request, FailureMapper.ModelNotFound(request.Model, request.Api));
        }

        // What is wrong with the request itself is wrong whichever deployment would serve it: answered once, in the
        // name of the first.
        if (body is null)
        {
            return Reject(request, candidates[0], new(400, ErrorTypes.InvalidRequest, ErrorCodes.InvalidJson,
                "The request body is not a JSON object.", CompletionOutcomes.Error));
        }

        if (request.Stream && request.Api != ProviderApis.ChatCompletions)
        {
            return Reject(request, candidates[0], new(400, ErrorTypes.InvalidRequest, ErrorCodes.StreamUnsupported,
                $"Streaming is not available for {request.Api}.", CompletionOutcomes.Error, "stream"));
        }

        if (request.Stream && request.StreamAddress is null)
        {
            return Reject(request, candidates[0], new(500, ErrorTypes.Api, ErrorCodes.StreamAddressMissing,
                "The gateway asked for a stream without saying where to send it.", CompletionOutcomes.Error));
        }

        // Nothing has been sent yet: the attempts (RetryPipeline, CallAttempts) choose the deployments, in the
        // selector's order, and retry only what is safe; a group that failed hands the request to its fallback groups
        // (FallbackChain). Disposing the sink waits until the ingress holds every chunk sent: the answer below must not
        // overtake them.
        FallbackRun run;
        budget.Requested();
        var services = new CallAttemptServices(
            credentials, limiter, stats, breakers, adapters, transport, metrics, budget, options.Value.Retries, time, logger, admission);
        await using (var chunks = await sinks.OpenAsync(request, sendEndpoints))
        {
            run = await fallbacks.RunAsync(
                request, body, plan.Model, candidates, model => selector.Candidates(model, request.Api, plan.Constraints), chunks, services, abandoned);
        }

        // No deployment could take a retry or a fallback: the answer is the last real failure, when there was one.
        var final = run.Final;
        if (final.Refusal is { } refusal)
        {
            if (run.LastCalled is not { } called)
            {
                return Reject(request, final.Deployment, refusal);
            }

            final = called;
        }

        using var activity = final.Activity;
        var deployment = final.Deployment;
        var call = final.Call!;
        var outcome = final.Outcome!;
        var durationMs = final.Elapsed.TotalMilliseconds;
        var cost = costs.Of(deployment, call, outcome);

        if (outcome.Failure is null)
        {
            var routed = new CompletionRouted(
                request.RequestId, 200, outcome.Body, outcome.ChunkCount, deployment.Name, deployment.Provider,
                run.Made, outcome.Usage, outcome.FirstByteMs, ProviderTransport.Dropped(call), cost);
            activity.Succeeded(routed);
            logger.RouteSucceeded(request.RequestId, deployment.Name, routed.Status, routed.ChunkCount, routed.FirstByteMs, durationMs);
            return new RouteResult(routed, null, Billed(outcome)) { Shadow = Shadow(request, final, routed.Status, cost, services, startedAt) };
        }

        var failed = FailureMapper.ToCompletionFailed(request, deployment, outcome) with { Cost = cost, Attempts = run.Made };
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

        return new RouteResult(null, failed, Billed(outcome)) { Shadow = Shadow(request, final, failed.Status, cost, services, startedAt) };
    }

    /// <summary>
    /// The primary's half of the shadow comparison, when the group that answered (<paramref name="final"/>'s) shadows
    /// this request (<see cref="Shadowing.ShadowTraffic.Sample"/>); null otherwise, and for a call its client left (its
    /// answer is not one to compare). Only what the answer already holds: nothing here changes it.
    /// </summary>
    private Shadowing.PrimaryCall? Shadow(
        RouteCompletion request, AttemptResult final, int status, AiMesh.Contracts.Routing.Cost? cost, CallAttemptServices services, DateTimeOffset startedAt)
    {
        var outcome = final.Outcome!;
        if (outcome.Failure is { Kind: FailureKind.Cancelled } || shadows.Sample(final.Deployment.Model) is not { } target)
        {
            return null;
        }

        return new Shadowing.PrimaryCall
        {
            Route = request,
            Model = final.Deployment.Model,
            ShadowModel = target,
            Deployment = final.Deployment.Name,
            Status = status,
            DurationMs = final.Elapsed.TotalMilliseconds,
            Usage = outcome.Usage,
            Cost = cost,
            Body = outcome.Failure is null && !request.Stream ? outcome.Body : null,
            Relayed = request.Stream ? outcome.Relayed : null,
            StartedAt = startedAt,
            Services = services,
        };
    }

    /// <summary>
    /// The attempts the provider bills: the final one, once it began answering (the rule <see cref="CallCost"/> prices
    /// by). An attempt before it was retried, and a retry happens only before a provider began answering (no
    /// connection, no first byte, an error status), which no provider in the price table bills.
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
