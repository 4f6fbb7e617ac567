using AiMesh.Contracts.Routing;

namespace AiMesh.Contracts.Metering;

/// <summary>
/// The one usage record of an admitted request, sent to metering when the request ends, whatever its outcome.
/// Metering stores it once per <paramref name="RequestId"/>: redelivery never duplicates it.
/// </summary>
/// <param name="Cost">The router's cost of the request (see <see cref="Routing.Cost"/>); null when unknown. Added after v1.</param>
/// <param name="TeamId">The team policy admitted the request for (<c>RequestAuthorized.TeamId</c>); null when none. Added after v1.</param>
/// <param name="OrganizationId">The organization policy admitted the request for (<c>RequestAuthorized.OrganizationId</c>); null when none. Added after v1.</param>
/// <param name="Bodies">The request and the answer, redacted by the ingress, when body logging was on for the key or its
/// team (<c>RequestAuthorized.LogBodies</c>); null when off. Added after v1.</param>
public sealed record RecordUsage(
    Guid RequestId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string PrincipalId,
    string KeyId,
    string Api,
    string ModelRequested,
    string? Deployment,
    string? Provider,
    int Attempts,
    string Outcome,
    int Status,
    string? ErrorCode,
    TokenUsage? Usage,
    double LatencyMs,
    double? FirstTokenMs,
    bool Stream,
    string? ClientAddress,
    string? User,
    IReadOnlyDictionary<string, string>? Tags,
    string? PromptId,
    string? PromptVersion,
    Cost? Cost = null,
    string? TeamId = null,
    string? OrganizationId = null,
    UsageBodies? Bodies = null);
