namespace AiMesh.Contracts.Integration;

/// <summary>
/// Published by metering once per stored usage event, for finance chargebacks. <paramref name="UsageEventId"/>
/// is stable across redeliveries, so consumers de-duplicate on it. <paramref name="Cost"/>,
/// <paramref name="Currency"/> and <paramref name="PriceTableVersion"/> are the stored cost of the request (the
/// router's, from the price table); all three null when it is unknown (an unpriced model, a request that never
/// reached a deployment).
/// </summary>
/// <param name="CostEstimated">
/// True when some of the tokens priced were counted by the gateway's tokenizer rather than reported by the provider
/// (a stream that ended without usage); null when there is no cost. Added after v1.
/// </param>
/// <param name="OrganizationId">The organization the request was admitted for (a stored key's); null when none (a
/// configured key, a verified token, or an event stored before organizations were metered). Added after v1.</param>
/// <param name="Source">Added after v1. Who the stored figures come from: null for the ingress's usage record (every
/// event before this member, and nearly every one since); <c>router</c> when the ingress's record never came and
/// metering wrote the event from the router's own report of the request (its tokens, cost and outcome; no tags, client
/// address, end user or prompt).</param>
[IntegrationEvent(1)]
public sealed record UsageMetered(
    Guid UsageEventId,
    Guid RequestId,
    DateTimeOffset OccurredAt,
    string PrincipalId,
    string? TeamId,
    string ModelRequested,
    string? Deployment,
    string Outcome,
    int InputTokens,
    int OutputTokens,
    decimal? Cost,
    string? Currency,
    string? PriceTableVersion,
    bool? CostEstimated = null,
    string? OrganizationId = null,
    string? Source = null);
