namespace AiMesh.Contracts.Policy;

/// <param name="PrincipalId">Who is calling (key owner); logged and metered, never secret.</param>
/// <param name="KeyId">The key's non-secret identifier: a stored key's id, or a configured key's configured id.</param>
/// <param name="AllowedModels">Public model names the principal may use; null means every model.</param>
/// <param name="Routed">Added after v1. Policy has sent the request's <see cref="AuthorizeRequest.Route"/> to the
/// router: the router's answer comes to the saga without it sending anything more.</param>
/// <param name="Limits">Added after v1. The caller's standing against its rate limits, for the response headers.</param>
/// <param name="Settlement">Added after v1. Set when the request holds limit counters to settle when it ends
/// (<see cref="SettleRequest"/>).</param>
/// <param name="OrganizationId">Added after v1. The organization owning the key (a stored key's organization id); null
/// for configured keys and for principals the ingress verified (a token carries no organization today).</param>
/// <param name="LogBodies">Added after v1. The key, or its team, has body logging switched on: the ingress keeps the
/// request and the answer, redacted, with the usage record (<see cref="Metering.RecordUsage.Bodies"/>). False (the
/// default, and what a policy from before sends) keeps none.</param>
/// <param name="KeyTags">Added after v1. The key's tags, passed on in <c>RouteCompletion.KeyTags</c> for the router's
/// rules; null when none (configured keys and verified principals have none).</param>
/// <param name="TeamTags">Added after v1. The key's team's tags, passed on in <c>RouteCompletion.TeamTags</c>; null when none.</param>
/// <param name="Regions">Added after v1. Data residency: the regions the request may be served in (the key's allowed
/// regions ∩ its team's), passed on in <c>RouteCompletion.Regions</c>; null: no restriction.</param>
[TransientMessage]
public sealed record RequestAuthorized(
    Guid RequestId,
    string PrincipalId,
    string KeyId,
    IReadOnlyList<string>? AllowedModels,
    string? TeamId = null,
    bool Routed = false,
    RateLimitState? Limits = null,
    LimitSettlement? Settlement = null,
    string? OrganizationId = null,
    bool LogBodies = false,
    IReadOnlyDictionary<string, string>? KeyTags = null,
    IReadOnlyDictionary<string, string>? TeamTags = null,
    IReadOnlyList<string>? Regions = null);
