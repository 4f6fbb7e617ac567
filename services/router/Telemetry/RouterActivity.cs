using System.Diagnostics;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Telemetry;

/// <summary>
/// The span around a provider call, on the mesh's "AiMesh" source. Tags are low-cardinality facts: deployment,
/// provider, API, status and outcome; never a body, a header or a key.
/// </summary>
internal static class RouterActivity
{
    private static readonly ActivitySource Source = new(MeshTelemetry.ActivitySourceName);

    public static Activity? StartProviderCall(Deployment deployment, RouteCompletion request)
    {
        var activity = Source.StartActivity("router provider call", ActivityKind.Client);
        activity?.SetTag("aimesh.request_id", request.RequestId);
        activity?.SetTag("aimesh.deployment", deployment.Name);
        activity?.SetTag("aimesh.provider", deployment.Provider);
        activity?.SetTag("aimesh.api", request.Api);
        activity?.SetTag("aimesh.stream", request.Stream);
        return activity;
    }

    /// <summary>The span around a shadow call (its provider call's span is its child), in the request's trace.</summary>
    public static Activity? StartShadow(RouteCompletion request, string shadowModel)
    {
        var activity = Source.StartActivity("router shadow call", ActivityKind.Internal);
        activity?.SetTag("aimesh.request_id", request.RequestId);
        activity?.SetTag("aimesh.api", request.Api);
        activity?.SetTag("aimesh.shadow_model", shadowModel);
        return activity;
    }

    public static void Succeeded(this Activity? activity, CompletionRouted routed)
    {
        activity?.SetTag("aimesh.status", routed.Status);
        activity?.SetTag("aimesh.outcome", CompletionOutcomes.Ok);
        activity?.SetTag("aimesh.chunks", routed.ChunkCount);
        activity?.SetTag("aimesh.attempts", routed.Attempts);
    }

    public static void Failed(this Activity? activity, CompletionFailed failed, int? upstreamStatus)
    {
        activity?.SetTag("aimesh.status", failed.Status);
        activity?.SetTag("aimesh.outcome", failed.Outcome);
        activity?.SetTag("aimesh.error_code", failed.Code);
        activity?.SetTag("aimesh.upstream_status", upstreamStatus);
        activity?.SetTag("aimesh.chunks", failed.ChunkCount);
        activity?.SetTag("aimesh.attempts", failed.Attempts);
        activity?.SetStatus(ActivityStatusCode.Error, failed.Code);
    }
}
