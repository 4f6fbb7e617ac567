using AiMesh.Hosting.Limits;

namespace AiMesh.Router.Configuration;

/// <summary>
/// <c>Router:Limits</c>: where deployment limits (<see cref="DeploymentLimitOptions"/>) are counted. In this replica's
/// memory (<see cref="Store"/> <c>Memory</c>, right for one router replica and the embedded mode), or in Redis, shared
/// by every router replica so N replicas hold one deployment's capacity together. Policy's limits use the same stores
/// (<c>services/hosting/Limits</c>).
/// </summary>
internal sealed class RouterLimitOptions
{
    /// <summary><c>Memory</c> or <c>Redis</c>.</summary>
    public string Store { get; set; } = "Memory";

    /// <summary>StackExchange.Redis configuration string, for the Redis store.</summary>
    public string? Redis { get; set; }

    /// <summary>Names the counters in Redis (<c>{prefix-limits}:…</c>), so deployments of several meshes can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "aimesh-router";

    /// <summary>How long a call waits for Redis before <see cref="OnStoreDown"/> applies: short, a call must not hang on a sick store.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After Redis failed three times in a row, how long replicas count locally before asking it again.</summary>
    public TimeSpan StoreRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Router replicas, for the per-replica share (limit ÷ replicas, rounded up) counted locally while Redis is down.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>While Redis is down: count locally against this replica's share (<c>Local</c>), call without counting (<c>Open</c>), or refuse with 503 (<c>Closed</c>).</summary>
    public StoreDownChoice OnStoreDown { get; set; } = StoreDownChoice.Local;

    /// <summary>Output tokens a tokens-per-minute limit charges before the call when the request sets no <c>max_tokens</c> and the deployment no default.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    public bool IsShared => string.Equals(Store, "Redis", StringComparison.OrdinalIgnoreCase);
}
