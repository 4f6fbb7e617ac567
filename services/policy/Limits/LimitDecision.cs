using AiMesh.Contracts.Policy;

namespace AiMesh.Policy.Limits;

/// <summary>
/// The limiter's verdict: admitted (with the caller's standing and, when it holds counters, what to settle at the
/// end) or refused with the status, code and wait to answer.
/// </summary>
internal sealed record LimitDecision(
    bool Admitted,
    RateLimitState? State,
    LimitSettlement? Settlement,
    int Status = 200,
    string? Code = null,
    string? Message = null,
    int? RetryAfterSeconds = null)
{
    /// <summary>No rule applies: nothing counted, nothing to report.</summary>
    public static LimitDecision None { get; } = new(true, null, null);
}
