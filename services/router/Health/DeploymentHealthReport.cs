namespace AiMesh.Router.Health;

/// <summary>
/// What one router replica has seen of its deployments, published to every replica each
/// <c>Router:Health:ShareInterval</c> and at once when one of its circuits opens or closes (<see cref="HealthReporter"/>).
/// Private to the router (not in contracts/): only router replicas send and read it. Non-persistent, with a short time
/// to live: a report is worth nothing once the next one is due.
/// </summary>
/// <param name="Replica">The sending replica (<see cref="PeerHealth.Self"/>); a replica ignores its own reports.</param>
/// <param name="Interval">How often the sender reports: a peer's report is forgotten after three intervals without another.</param>
public sealed record DeploymentHealthReport(Guid Replica, DateTimeOffset At, TimeSpan Interval, IReadOnlyList<DeploymentHealthSnapshot> Deployments);
