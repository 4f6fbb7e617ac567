using AiMesh.Hosting.Limits;

namespace AiMesh.Policy.Limits;

/// <summary>
/// One rate limit. Request and token rates count in fixed windows aligned to the Unix epoch (a minute window starts at
/// every whole minute), so every replica and Redis agree on the window without talking, and the headers can say
/// exactly when it resets. <see cref="Concurrent"/> counts requests admitted and not yet ended.
/// </summary>
internal sealed class LimitRule
{
    public LimitScope Scope { get; set; } = LimitScope.Key;

    /// <summary>
    /// Only this value of the scope (a key id, <c>user:…</c> principal, team, organization id, model name or address);
    /// null: every value, each counted apart.
    /// </summary>
    public string? Match { get; set; }

    public int? RequestsPerSecond { get; set; }

    public int? RequestsPerMinute { get; set; }

    /// <summary>Input (estimated) plus output tokens per minute, charged before the call with the request's <c>max_tokens</c>, reconciled after.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests admitted and not yet ended.</summary>
    public int? Concurrent { get; set; }

    public StoreDownChoice OnStoreDown { get; set; } = StoreDownChoice.Local;
}
