namespace AiMesh.Router.Configuration;

/// <summary>
/// One side of an A/B test or canary (<c>Router:Models:{model}:Splits:N</c>): this share of the model's callers is
/// served by <see cref="Target"/> instead; the rest stays on the model.
/// </summary>
internal sealed class TrafficSplitOptions
{
    /// <summary>The public model (a model group some deployment serves) this share goes to.</summary>
    public string? Target { get; set; }

    /// <summary>The share of callers, in percent (0.01 to 100; two decimals count). The model's splits add up to 100 at most.</summary>
    public double Percent { get; set; }
}
