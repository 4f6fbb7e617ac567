namespace AiMesh.Router.Configuration;

/// <summary>
/// Shadow traffic of one model group (<c>Router:Models:{model}:Shadow</c>): this share of the requests the group
/// answered is also sent to <see cref="Model"/>, whose answers never reach the client and are only compared with the
/// group's (<see cref="Shadowing.ShadowTraffic"/>).
/// </summary>
internal sealed class ShadowTargetOptions
{
    /// <summary>The candidate public model (a model group some deployment serves, not this one).</summary>
    public string? Model { get; set; }

    /// <summary>The share of the group's answered requests also sent to <see cref="Model"/>, in percent (0 to 100, decimals count; 0: off).</summary>
    public double Percent { get; set; }
}
