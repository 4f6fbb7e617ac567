namespace AiMesh.Router.Configuration;

/// <summary>
/// <c>Router:Retries</c>: when a provider call that failed is tried again (<see cref="Resilience.RetryPipeline"/>). Only
/// when provably safe: nothing reached the client, and the failure is one a second try can mend (no connection, no
/// first byte in time, 408, 429, 500, 502, 503, 504). Every attempt runs within the request's one deadline.
/// </summary>
internal sealed class RetryOptions
{
    /// <summary>Attempts per request, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first backoff; each next one doubles, with full jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A provider's <c>Retry-After</c> is waited out before the same deployment is tried again, up to this; a longer one
    /// is not retried there (the client gets the 429 and its <c>Retry-After</c>). Another deployment is tried at once.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries allowed as a share of requests over the last 10 s, so retries cannot multiply an outage's load.</summary>
    public double BudgetRatio { get; set; } = 0.2;

    /// <summary>Retries allowed per second whatever the traffic, so a quiet router still retries a lone failure.</summary>
    public int BudgetMinPerSecond { get; set; } = 5;
}
