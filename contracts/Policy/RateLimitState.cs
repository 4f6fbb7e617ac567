namespace AiMesh.Contracts.Policy;

/// <summary>
/// Where the caller stands against its tightest request-rate and token-rate limits after this decision, for the
/// OpenAI-style <c>x-ratelimit-*</c> response headers. A null member: no such limit applies.
/// </summary>
/// <param name="RequestsResetMs">Until the tightest request window resets.</param>
/// <param name="TokensResetMs">Until the tightest token window resets.</param>
public sealed record RateLimitState(
    long? RequestLimit,
    long? RequestsRemaining,
    long? RequestsResetMs,
    long? TokenLimit,
    long? TokensRemaining,
    long? TokensResetMs);
