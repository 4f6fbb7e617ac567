using System.ComponentModel.DataAnnotations;

namespace AiMesh.Hosting.Metrics;

/// <summary>
/// The "Metrics" section: the Prometheus scrape endpoint of every service and the broker's queue depths. The OTLP export
/// follows <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, as traces do.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Whether <see cref="Path"/> answers. Metrics are still collected (and exported over OTLP) when it does not.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the Prometheus text is served.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$")]
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// When set, the endpoint answers only requests to these hosts (ASP.NET Core's <c>RequireHost</c>: <c>"*:9464"</c>
    /// for a port of its own, added to <c>urls</c>); every other host gets 404. Empty: any host the service listens on.
    /// </summary>
    public string[] Hosts { get; set; } = [];

    /// <summary>How often the queue depths are read from RabbitMQ (the scrape never waits for the broker).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(5);
}
