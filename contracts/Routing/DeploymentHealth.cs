namespace AiMesh.Contracts.Routing;

/// <summary>One deployment's state, merged over the router replicas (<see cref="DeploymentHealthListed"/>).</summary>
/// <param name="Name">The deployment's configured name.</param>
/// <param name="Model">The public model it serves.</param>
/// <param name="Circuit"><c>open</c> when any replica's circuit is open (then none sends it calls), else <c>half-open</c> when any replica's probe is due or out, else <c>closed</c>.</param>
/// <param name="OpenForSeconds">When open: how long until the first replica probes it again.</param>
/// <param name="OpenOn">How many replicas hold its circuit open.</param>
/// <param name="InFlight">Calls at the deployment now, over every replica.</param>
/// <param name="LatencyMs">The mean of the replicas' moving averages of time to first byte; null before any call.</param>
/// <param name="Calls">Calls ended in the circuit breakers' window (<c>Router:Health:Window</c>), over every replica.</param>
/// <param name="Failures">Those that said the deployment is unwell (no connection, no first byte, cut, 5xx).</param>
/// <param name="ErrorRate"><paramref name="Failures"/> ÷ <paramref name="Calls"/>; null without calls.</param>
/// <param name="LastError">The latest such failure (its kind, and the status for an error status); never a provider's text.</param>
public sealed record DeploymentHealth(
    string Name,
    string Model,
    string Provider,
    int Priority,
    int Weight,
    string Circuit,
    double? OpenForSeconds,
    int OpenOn,
    int InFlight,
    double? LatencyMs,
    int Calls,
    int Failures,
    double? ErrorRate,
    string? LastError,
    DateTimeOffset? LastErrorAt);
