using AiMesh.Contracts.Routing;

namespace AiMesh.Contracts.Metering;

/// <summary>
/// One shadowed request: the primary answer the client received and the candidate group's answer to the same request,
/// which never reached the client, side by side (router: <c>services/router/Shadowing</c>). Made by the router when
/// both calls ended; kept by metering once per (<paramref name="RequestId"/>, <paramref name="ShadowModel"/>) and
/// compared in <c>/admin/usage/shadow</c>. Not a usage record: the request's one usage event is the primary's, and the
/// shadow call's cost is not charged to the key (it is the operator's experiment), only reported here.
/// </summary>
/// <param name="RequestId">The request both calls answered (the primary's usage event has the same id).</param>
/// <param name="ModelRequested">The public model the client asked for.</param>
/// <param name="PrimaryModel">The model group that answered the client.</param>
/// <param name="PrimaryStatus">The HTTP status the client received.</param>
/// <param name="PrimaryDurationMs">From the start of the primary's call to its end.</param>
/// <param name="ShadowModel">The candidate model group the request was also sent to.</param>
/// <param name="ShadowDeployment">The candidate deployment called; null when none could take the call.</param>
/// <param name="ShadowStatus">The candidate's HTTP status (as the gateway would have answered it).</param>
/// <param name="ShadowErrorCode">The candidate's error code when it failed; null when it answered.</param>
/// <param name="Similarity">
/// How alike the two answers' texts are, 0 (nothing in common) to 1 (the same words as often); null when either has
/// no text (failed, or no content).
/// </param>
public sealed record ShadowResult(
    Guid RequestId,
    string? KeyId,
    string? TeamId,
    string? OrganizationId,
    string Api,
    string ModelRequested,
    string PrimaryModel,
    string? PrimaryDeployment,
    int PrimaryStatus,
    double PrimaryDurationMs,
    TokenUsage? PrimaryUsage,
    Cost? PrimaryCost,
    string ShadowModel,
    string? ShadowDeployment,
    int ShadowStatus,
    string? ShadowErrorCode,
    double ShadowDurationMs,
    TokenUsage? ShadowUsage,
    Cost? ShadowCost,
    double? Similarity,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt);
