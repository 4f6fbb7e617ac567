using AiMesh.Contracts.Routing;

namespace AiMesh.Contracts.Metering;

/// <summary>
/// The router's account of one <see cref="RouteCompletion"/> it handled, made when its handling ended, whatever the
/// ending (answered, failed, refused before a call, abandoned, the client gone; zero provider attempts included). It is
/// not the usage record: the ingress's <see cref="RecordUsage"/> is. Metering keeps it until the request's usage event
/// exists, and writes the usage event from it when none came by <paramref name="Deadline"/> plus its grace (the
/// ingress died with the record): see docs/architecture.md, "Exactly one usage record per admitted request".
/// </summary>
/// <param name="PrincipalId">Who policy admitted, as the route carried it (empty when the route did not say).</param>
/// <param name="KeyId">The admitted key's id (<see cref="RouteCompletion.KeyId"/>); null when the route did not carry it.</param>
/// <param name="ModelRequested">The public model the client asked for.</param>
/// <param name="Deployment">The deployment chosen; null when none serves the model.</param>
/// <param name="Attempts">Provider calls made (0 when none started).</param>
/// <param name="BilledAttempts">Of <paramref name="Attempts"/>, those the provider bills (it began answering).</param>
/// <param name="Outcome">One of <see cref="CompletionOutcomes"/>, as the router answered it.</param>
/// <param name="Status">The HTTP status the router answered with.</param>
/// <param name="ErrorCode">The error code of a failed answer; null when answered.</param>
/// <param name="Cost">The router's cost, exactly as on its answer; null when unknown.</param>
/// <param name="StartedAt">When the router began handling the route.</param>
/// <param name="EndedAt">When it had its answer.</param>
/// <param name="Deadline">The request's deadline (<see cref="RouteCompletion.Deadline"/>).</param>
public sealed record RouterReport(
    Guid RequestId,
    string PrincipalId,
    string? KeyId,
    string? TeamId,
    string? OrganizationId,
    string Api,
    string ModelRequested,
    string? Deployment,
    string? Provider,
    int Attempts,
    int BilledAttempts,
    string Outcome,
    int Status,
    string? ErrorCode,
    TokenUsage? Usage,
    Cost? Cost,
    double? FirstByteMs,
    bool Stream,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    DateTimeOffset Deadline);
