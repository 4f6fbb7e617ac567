namespace AiMesh.Router.Health;

/// <summary>One deployment as one replica sees it (<see cref="DeploymentHealthReport"/>).</summary>
/// <param name="Name">The deployment's configured name.</param>
/// <param name="InFlight">Calls this replica has at the deployment now.</param>
/// <param name="LatencyMs">This replica's moving average of the time to first byte; 0 before any call.</param>
/// <param name="Calls">Calls that ended in the circuit breaker's window (<c>Router:Health:Window</c>).</param>
/// <param name="Failures">Those of <paramref name="Calls"/> that said the deployment is unwell.</param>
/// <param name="Circuit"><c>closed</c>, <c>open</c> or <c>half-open</c>.</param>
/// <param name="OpenForMs">How long the open circuit stays open from the report's sending; 0 when it is not open.</param>
/// <param name="OpensInARow">Opens without a successful probe between them: the next break time doubles with each.</param>
/// <param name="LastError">The latest failure: the failure kind and, for an error status, the status (<c>UpstreamStatus 503</c>); never a provider's text.</param>
/// <param name="RequestsLastMinute">Calls this replica started at the deployment in the last minute (the capacity-aware strategy).</param>
/// <param name="TokensLastMinute">Tokens those calls used, as the provider reported them.</param>
public sealed record DeploymentHealthSnapshot(
    string Name,
    int InFlight,
    double LatencyMs,
    int Calls,
    int Failures,
    string Circuit,
    long OpenForMs,
    int OpensInARow,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long RequestsLastMinute = 0,
    long TokensLastMinute = 0);
