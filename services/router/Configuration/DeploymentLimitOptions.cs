namespace AiMesh.Router.Configuration;

/// <summary>
/// A deployment's capacity (<c>Router:Deployments:N:Limits</c>): what the provider grants the key it is called with,
/// or what an operator allows it. Counted by <see cref="Deployments.DeploymentLimiter"/> before each call, across every
/// router replica when <see cref="RouterLimitOptions.Store"/> is Redis. A null kind is not limited.
/// </summary>
internal sealed class DeploymentLimitOptions
{
    public int? RequestsPerSecond { get; set; }

    public int? RequestsPerMinute { get; set; }

    /// <summary>Input (estimated: a quarter of the body's characters) plus output tokens (<c>max_tokens</c>, else the default), corrected after the call.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Calls in flight at once.</summary>
    public int? Concurrent { get; set; }
}
