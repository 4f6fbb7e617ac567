namespace AiMesh.Router.Configuration;

/// <summary>
/// The "Router" configuration section: the timeouts of every provider call and the deployments the public
/// model names map to. Validated at start by <see cref="RouterOptionsValidator"/>, which reports every error at once.
/// </summary>
internal sealed class RouterOptions
{
    public const string Section = "Router";

    public RouterTimeoutOptions Timeouts { get; set; } = new();

    /// <summary>In order: the first deployment that serves a model and API is the one called.</summary>
    public IList<DeploymentOptions> Deployments { get; } = [];

    /// <summary>
    /// Provider calls this replica runs at once. A streamed call holds its message for the whole answer, so the
    /// bus-wide prefetch (sized for short handlers) would cap the router far below what its sockets can carry.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 256;

    /// <summary>
    /// How often the replica asks policy again for the stored credentials its deployments name: the safety net under
    /// the change events (a lost one, a master key rotation). Until the first answer, it asks every few seconds.
    /// </summary>
    public TimeSpan CredentialReloadInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the reports of ended routes gather before they leave for metering as one message (after the first one,
    /// never while stopping; zero: at once). The answer has gone already, so this delays no client.
    /// </summary>
    public TimeSpan ReportLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Where the price table comes from (<see cref="Router.Pricing.PricingOptions"/>).</summary>
    public Router.Pricing.PricingOptions Pricing { get; set; } = new();

    /// <summary>Where deployment limits are counted (<see cref="RouterLimitOptions"/>).</summary>
    public RouterLimitOptions Limits { get; set; } = new();

    /// <summary>What a request does when every deployment of its model is at capacity: wait in line (<see cref="Admission.AdmissionOptions"/>).</summary>
    public Admission.AdmissionOptions Admission { get; set; } = new();

    /// <summary>Per public model: how its deployments share the calls (<see cref="ModelGroupOptions"/>).</summary>
    public Dictionary<string, ModelGroupOptions> Models { get; } = new(StringComparer.Ordinal);

    /// <summary>Conditional routes, in order: the first that matches a request chooses its model (<see cref="RouteRuleOptions"/>).</summary>
    public IList<RouteRuleOptions> Rules { get; } = [];

    /// <summary>When a failed provider call is tried again (<see cref="RetryOptions"/>).</summary>
    public RetryOptions Retries { get; set; } = new();

    /// <summary>The bounds on walking to other models' groups when a model's group failed (<see cref="FallbackOptions"/>).</summary>
    public FallbackOptions Fallbacks { get; set; } = new();

    /// <summary>Each deployment's circuit breaker (<see cref="HealthOptions"/>).</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>The bounds of shadow calls (<see cref="ShadowOptions"/>); which groups are shadowed is each model's <c>Shadow</c>.</summary>
    public ShadowOptions Shadow { get; set; } = new();
}
