namespace AiMesh.Router.Deployments;

/// <summary>A deployment's circuit (<see cref="CircuitBreakers"/>).</summary>
internal enum CircuitState
{
    /// <summary>Takes calls.</summary>
    Closed,

    /// <summary>Takes none until its break time is over.</summary>
    Open,

    /// <summary>Its break time is over: the next call is the probe that closes or reopens it.</summary>
    HalfOpen,
}
