namespace AiMesh.Hosting.Limits;

/// <summary>What a rule does while its shared store (Redis) cannot be reached. Every use of a fallback is counted.</summary>
public enum StoreDownChoice
{
    /// <summary>Count in this replica's memory, against its share of the limit (limit ÷ the number of replicas sharing it).</summary>
    Local,

    /// <summary>Admit without counting.</summary>
    Open,

    /// <summary>Refuse with 503 <c>rate_limiter_unavailable</c>.</summary>
    Closed,
}
