namespace AiMesh.Contracts.Integration;

/// <summary>
/// Published by metering once per stored usage event, for finance chargebacks. <paramref name="UsageEventId"/>
/// is stable across redeliveries, so consumers de-duplicate on it. Cost members are null until pricing is
/// configured (issue 5).
/// </summary>
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
    string? PriceTableVersion);
