namespace AiMesh.Contracts.Routing;

/// <summary>Every configured deployment's state (<see cref="ListDeploymentHealth"/>).</summary>
/// <param name="Replicas">Router replicas whose view is merged here: the one answering and each that reported within three of its intervals.</param>
[TransientMessage]
public sealed record DeploymentHealthListed(Guid RequestId, DateTimeOffset At, int Replicas, IReadOnlyList<DeploymentHealth> Deployments);
