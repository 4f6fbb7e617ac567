using System.Diagnostics;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;

namespace AiMesh.Router.Admission;

/// <summary>
/// The span of a wait for capacity, on the mesh's "AiMesh" source, beside the provider call's span in the request's one
/// trace: a slow answer shows whether its time went waiting in line or at the provider. Low-cardinality tags only.
/// </summary>
internal static class AdmissionActivity
{
    private static readonly ActivitySource Source = new(MeshTelemetry.ActivitySourceName);

    public static Activity? Start(string model, RouteCompletion request, int priority)
    {
        var activity = Source.StartActivity("router capacity wait", ActivityKind.Internal);
        activity?.SetTag("aimesh.request_id", request.RequestId);
        activity?.SetTag("aimesh.model_group", model);
        activity?.SetTag("aimesh.admission.priority", priority);
        return activity;
    }

    /// <param name="outcome">One of <see cref="AdmissionOutcomes"/>.</param>
    public static void Ended(this Activity? activity, string outcome)
    {
        activity?.SetTag("aimesh.admission.outcome", outcome);
        if (outcome != AdmissionOutcomes.Admitted)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }
}
