using System.Diagnostics.Metrics;

namespace AiMesh.Policy.Authorization;

/// <summary>
/// Policy's meter: every authorization decision by outcome and reason class (<c>aimesh.policy.decisions</c>). The reason
/// is one of the constants below, never a key id, a principal or a model name; rate limits and budgets add theirs here.
/// </summary>
internal sealed class PolicyMetrics
{
    public const string MeterName = "AiMesh.Policy";

    /// <summary>Why a request was denied (or <see cref="None"/> when admitted): a closed set, so the label stays bounded.</summary>
    public static class Reasons
    {
        public const string None = "none";

        /// <summary>Unknown, revoked, disabled or expired credential, or a client address outside the key's allowlist.</summary>
        public const string InvalidCredential = "invalid_credential";

        /// <summary>The credential may not use the model (or the model does not exist).</summary>
        public const string ModelNotAllowed = "model_not_allowed";

        /// <summary>The client address is held after too many refused credentials.</summary>
        public const string AddressHeld = "address_held";

        /// <summary>The stored keys are not loaded yet (503).</summary>
        public const string NotReady = "not_ready";

        /// <summary>A rate limit is full (429).</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>The rate-limit store is down and a rule fails closed (503).</summary>
        public const string LimiterUnavailable = "limiter_unavailable";

        /// <summary>A hard budget has no room for the request's worst-case cost (429).</summary>
        public const string BudgetExceeded = "budget_exceeded";
    }

    private readonly Counter<long> _decisions;

    public PolicyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("aimesh.policy.decisions", "{decision}", "Authorization decisions, by outcome (admitted, denied) and reason class");
    }

    public void Admitted() => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", "admitted"), new KeyValuePair<string, object?>("reason", Reasons.None));

    public void Denied(string reason) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", "denied"), new KeyValuePair<string, object?>("reason", reason));
}
