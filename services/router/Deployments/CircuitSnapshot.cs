namespace AiMesh.Router.Deployments;

/// <summary>A deployment's circuit and the calls of its window, as <see cref="CircuitBreakers.Snapshot"/> reads them.</summary>
/// <param name="LastError">The latest failure that counted against the deployment (kind, and status for an error status).</param>
internal sealed record CircuitSnapshot(
    CircuitState State,
    TimeSpan OpenFor,
    int OpensInARow,
    int Calls,
    int Failures,
    string? LastError,
    DateTimeOffset? LastErrorAt);
