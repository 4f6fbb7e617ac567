namespace AiMesh.Metering.Storage;

/// <summary>
/// One row of <c>usage_events</c>: the usage of one request, flattened from <c>RecordUsage</c>. Written once,
/// never updated nor deleted (<see cref="MeteringDbContext"/> refuses both).
/// </summary>
internal sealed class UsageEvent
{
    /// <summary>Assigned by the database on insert (and set here by the writer from what it returned); the replay order of the log.</summary>
    public long Sequence { get; set; }

    /// <summary>Derived from <see cref="RequestId"/> (see <c>UsageEventIds</c>), so every redelivery computes the same id.</summary>
    public Guid EventId { get; init; }

    public Guid RequestId { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    public required string PrincipalId { get; init; }

    public required string KeyId { get; init; }

    /// <summary>The team policy admitted the request for; null when none (or recorded before teams were metered).</summary>
    public string? TeamId { get; init; }

    /// <summary>The organization policy admitted the request for; null when none (or recorded before organizations were metered).</summary>
    public string? OrganizationId { get; init; }

    public required string Api { get; init; }

    public required string ModelRequested { get; init; }

    public string? Deployment { get; init; }

    public string? Provider { get; init; }

    public int Attempts { get; init; }

    public required string Outcome { get; init; }

    public int Status { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>Null when the request reported no usage at all (then every token column is null).</summary>
    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    public int? CachedTokens { get; init; }

    public int? ReasoningTokens { get; init; }

    public bool TokensEstimated { get; init; }

    /// <summary>Of <see cref="InputTokens"/>, those written to the provider's prompt cache (billed apart by some).</summary>
    public int? CacheWriteTokens { get; init; }

    /// <summary>The request's cost (the router's, from its price table); null when unknown. Exact, never rounded.</summary>
    public decimal? Cost { get; init; }

    /// <summary>ISO 4217 code of <see cref="Cost"/>; null with it.</summary>
    public string? CostCurrency { get; init; }

    /// <summary>The price table version <see cref="Cost"/> was computed with; null with it.</summary>
    public string? PriceTableVersion { get; init; }

    /// <summary>Some of the priced tokens were counted by the gateway, not reported by the provider; null without a cost.</summary>
    public bool? CostEstimated { get; init; }

    public double LatencyMs { get; init; }

    public double? FirstTokenMs { get; init; }

    public bool Stream { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>The caller's end-user id (OpenAI's <c>user</c>); the column is <c>end_user</c> because <c>user</c> is reserved in SQL.</summary>
    public string? EndUser { get; init; }

    /// <summary>The request's tags as a JSON object with keys in ordinal order, or null when it had none.</summary>
    public string? Tags { get; init; }

    public string? PromptId { get; init; }

    public string? PromptVersion { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>
    /// Who the figures come from: null for the ingress's usage record (every row before this column, and nearly every
    /// one since); <see cref="Recording.UsageSources.Router"/> when metering wrote the row from the router's report
    /// because the ingress's record never came (<see cref="Recording.UsageReconciler"/>).
    /// </summary>
    public string? Source { get; init; }
}
