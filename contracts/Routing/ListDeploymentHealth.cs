namespace AiMesh.Contracts.Routing;

/// <summary>
/// Asks any router replica for every deployment's state as the router replicas see it together
/// (<c>GET /admin/deployments</c>). Answered by <see cref="DeploymentHealthListed"/>.
/// </summary>
[TransientMessage]
public sealed record ListDeploymentHealth(Guid RequestId);
