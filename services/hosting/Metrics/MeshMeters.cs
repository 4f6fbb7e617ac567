namespace AiMesh.Hosting.Metrics;

/// <summary>
/// The names of the meters a service's metrics come from, and what AiMesh's own instruments share. Labels on every
/// AiMesh instrument are low-cardinality by rule (docs/architecture.md, "Telemetry and logs"): never a key id, a
/// principal, a request id, a client address or free text.
/// </summary>
public static class MeshMeters
{
    /// <summary>Every AiMesh meter is named <c>AiMesh.&lt;Service&gt;</c>.</summary>
    public const string AiMesh = "AiMesh.*";

    public const string Hosting = "AiMesh.Hosting";

    /// <summary>MassTransit's meter: receive, consume, send and handler counts and durations per queue and message type.</summary>
    public const string MassTransit = "MassTransit";

    /// <summary>What .NET and MassTransit publish natively and every service exports.</summary>
    public static readonly IReadOnlyList<string> Framework =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        MassTransit,
        "System.Runtime",
    ];

    /// <summary>
    /// Histogram boundaries (seconds) for LLM calls: a cache hit or an error answers in milliseconds, a long generation
    /// in minutes (the default request deadline is 10). OpenTelemetry's default boundaries stop at 10 s.
    /// </summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
}
