using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;

namespace AiMesh.Router.Admission;

/// <summary>
/// One try at a group's deployments, before any call: the deployment that took the call (its capacity held in
/// <see cref="Capacity"/>, its circuit's probe in <see cref="Probe"/>) or, when none could, the last refusal and
/// whether any deployment refused for capacity that will come back (<see cref="Full"/>), the one kind worth waiting for.
/// </summary>
internal sealed record CapacityTry(Deployment Deployment, FailureDescription? Refusal, bool Full = false, DeploymentCharge? Capacity = null, bool Probe = false, int Index = -1);
