using System.ComponentModel.DataAnnotations;
using AiMesh.Hosting.Security;

namespace AiMesh.Ingress;

/// <summary>The "Ingress" section: request limits and the saga's step timeouts.</summary>
public sealed class IngressOptions : IValidatableObject
{
    public const string Section = "Ingress";

    /// <summary>Largest request body; larger ones get 413 without being read to the end.</summary>
    [Range(1024, 512L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a request body.</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>All request headers together; beyond it Kestrel answers 431.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxHeaderBytes { get; set; } = 32 * 1024;

    [Range(1, 1000)]
    public int MaxHeaderCount { get; set; } = 100;

    /// <summary>
    /// How bearer tokens and client certificates the ingress refuses itself slow their address down (API keys are
    /// policy's to count: <c>Policy:FailedAttempts</c>). See services/hosting/Security/FailedAttempts.cs.
    /// </summary>
    public FailedAttemptOptions FailedAttempts { get; set; } = new();

    /// <summary>Slowest accepted upload rate (bytes/s, after a grace period); slower clients get 408.</summary>
    [Range(1, 1_000_000)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    public TimeSpan PolicyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often the ingress asks the prompts service for the published prompt APIs even without a change event (one
    /// lost on the way is served within this).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PromptApiReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Send the request's cost in an <c>x-aimesh-cost</c> header (<c>0.0000125 USD</c>) on whole (non-streamed) answers
    /// whose cost is known. A stream's headers leave before its cost exists, so streams never carry it.
    /// </summary>
    public bool CostHeader { get; set; } = true;

    /// <summary>
    /// Attach the routing request to the authorization, so policy sends an admitted request on to the router itself
    /// (<see cref="AiMesh.Contracts.Policy.AuthorizeRequest.Route"/>): one bus hop fewer per request. Off: the saga
    /// routes after policy answered, as before (the benchmark compares the two).
    /// </summary>
    public bool RouteThroughPolicy { get; set; } = true;

    public TimeSpan PromptsTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The one deadline of a request, from arrival to its last byte.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long past the deadline the saga waits for the router's own deadline answer.</summary>
    public TimeSpan RouterGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the instance's queue outlives its consumer (a dropped broker connection, a process gone). Every
    /// answer that can still matter arrives within the request deadline and the router's grace of the request's
    /// start, so a queue kept that long (and a minute more) holds it until the ingress reconnects; after a longer
    /// outage every request then open has ended at its own deadline.
    /// </summary>
    public TimeSpan InstanceQueueExpiry => RequestTimeout + RouterGrace + TimeSpan.FromMinutes(1);

    /// <summary>How long a stream waits for a chunk the router counted but the bus has not delivered yet.</summary>
    public TimeSpan StreamGapTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the broker to take a new request before answering 503.</summary>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a broker outage lasts (every send failing, or this instance's endpoint down) before requests already
    /// in flight stop waiting for their answers and end with 503 <c>bus_unavailable</c>. Shorter outages (a reconnect,
    /// one slow send) are ridden out: the answers wait in the instance's queue. New requests are refused at once.
    /// </summary>
    public TimeSpan OutagePatience { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many ended requests' usage records may wait for metering (the broker is down or slow) before new requests
    /// are turned away with 503: admission stops before a record could be lost (see <c>Usage/UsageSender.cs</c>).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int UsageBacklogLimit { get; set; } = 20_000;

    /// <summary>
    /// How long usage records gather before a batch leaves for metering (after the first one, never while stopping).
    /// Zero sends each record the moment the loop is free. The record is written after the client has its answer,
    /// so this delays no client; it costs at most this long of a crash window more. Measured in docs/benchmarks.md:
    /// without it, at low load each request's batch, metering's row and its UsageMetered ran beside the next request.
    /// </summary>
    public TimeSpan UsageLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most of each body kept when body logging is on for a key or team (request and answer apart, UTF-8 bytes after
    /// redaction); a longer one is cut and marked truncated. See <c>Bodies/BodyLog.cs</c>.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int BodyLogMaxBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The base URL routers use to stream chunks to this instance (its stream channel), e.g. <c>http://ingress-1:8080</c>.
    /// Absent: the first address Kestrel listens on. Used only when the channel key (<c>AIMESH_CHANNEL_KEY</c>) is set.
    /// </summary>
    public Uri? StreamChannelUrl { get; set; }

    /// <summary>
    /// Request headers passed on to the router for its rules (<c>Router:Rules:N:Headers</c>), e.g. <c>x-aimesh-route</c>.
    /// Only these; never to a provider. A credential header (Authorization, Cookie, x-api-key, anything naming a token or
    /// secret) stops the start.
    /// </summary>
    public IList<string> RoutingHeaders { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var name in RoutingHeaders)
        {
            if (string.IsNullOrWhiteSpace(name) || Http.RoutingHeaders.IsCredential(name))
            {
                yield return new ValidationResult(
                    $"{Section}:RoutingHeaders must name non-empty headers that carry no credentials ('{name}' is refused).", [nameof(RoutingHeaders)]);
            }
        }
    }
}
