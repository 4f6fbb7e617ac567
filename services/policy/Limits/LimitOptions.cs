using AiMesh.Hosting.Limits;

namespace AiMesh.Policy.Limits;

/// <summary>
/// The "Policy:Limits" section: rate limits on admitted requests. With no rule nothing is counted and no request
/// pays for the limiter. Counters live in this process (<see cref="LimitStoreKind.Memory"/>, right for one policy
/// replica and the embedded mode) or in Redis (<see cref="LimitStoreKind.Redis"/>), shared by every replica so N
/// replicas enforce one limit.
/// </summary>
internal sealed class LimitOptions
{
    public const string Section = "Policy:Limits";

    public List<LimitRule> Rules { get; set; } = [];

    public LimitStoreKind Store { get; set; } = LimitStoreKind.Memory;

    /// <summary>StackExchange.Redis configuration string (e.g. <c>127.0.0.1:6379</c>), for <see cref="LimitStoreKind.Redis"/>.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Names this deployment's counters in Redis (<c>{prefix-limits}:…</c>), so several deployments (or test runs) can
    /// share one Redis without counting each other's requests.
    /// </summary>
    public string RedisPrefix { get; set; } = "aimesh";

    /// <summary>
    /// How long a decision waits for Redis before the rule's <see cref="LimitRule.OnStoreDown"/> applies. Short: the
    /// request path must not hang on a sick store.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After Redis failed, how long replicas count locally before asking Redis again.</summary>
    public TimeSpan StoreRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The number of policy replicas, for the per-replica share a rule falls back to when Redis is down
    /// (<see cref="StoreDownChoice.Local"/>: each replica admits limit ÷ replicas, rounded up).
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// How long a concurrency slot is held when the request's end is never reported (its ingress died), for a request
    /// with no deadline of its own; otherwise its deadline plus a minute.
    /// </summary>
    public TimeSpan SlotHold { get; set; } = TimeSpan.FromMinutes(11);

    /// <summary>
    /// What the limits set per key, user, team or organization through the admin API do when Redis cannot be reached
    /// (configured rules say it each for itself).
    /// </summary>
    public StoreDownChoice EntityOnStoreDown { get; set; } = StoreDownChoice.Local;

    /// <summary>Output tokens a tokens-per-minute limit charges before the call when the request sets no <c>max_tokens</c>.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;
}
