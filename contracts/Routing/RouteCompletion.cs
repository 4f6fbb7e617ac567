namespace AiMesh.Contracts.Routing;

/// <summary>
/// Asks the router to serve one model call: choose a deployment, call the provider, translate the answer.
/// Answered by <see cref="CompletionRouted"/> or <see cref="CompletionFailed"/>.
/// </summary>
/// <param name="Api">The OpenAI surface called: <c>chat.completions</c> or <c>embeddings</c>.</param>
/// <param name="Model">The public model name (the router maps it to a deployment and upstream name).</param>
/// <param name="Body">The request JSON as the client sent it (unknown members included).</param>
/// <param name="StreamAddress">Where <see cref="CompletionChunk"/> messages go when <paramref name="Stream"/> is set.</param>
/// <param name="StreamChannel">Added after v1. When set (and the router holds the channel key), the chunks go to this
/// URL of the ingress instance over HTTP instead of as <see cref="CompletionChunk"/> messages; the final answer still
/// comes by bus. Null: chunks by bus.</param>
/// <param name="Deadline">The one deadline of the whole request; no attempt starts or runs past it.</param>
/// <param name="ClientHeaders">
/// Request headers of the client the provider may need, from the ingress's allow-list only (today
/// <c>anthropic-beta</c>); the router decides which deployments receive which. Never credentials.
/// </param>
/// <param name="KeyId">Added after v1. The admitted key's id (<c>RequestAuthorized.KeyId</c>), filled by whoever sends
/// the admitted route (policy, or the saga after admission) so the router's report names who is metered; null when unknown.</param>
/// <param name="TeamId">Added after v1. The admitted team (<c>RequestAuthorized.TeamId</c>); null when none or unknown.</param>
/// <param name="OrganizationId">Added after v1. The admitted organization (<c>RequestAuthorized.OrganizationId</c>); null when none or unknown.</param>
/// <param name="KeyTags">Added after v1. The admitted key's tags (<c>RequestAuthorized.KeyTags</c>), for the router's rules
/// (<c>Router:Rules</c>); null when the key has none or the sender is older.</param>
/// <param name="TeamTags">Added after v1. The admitted key's team's tags (<c>RequestAuthorized.TeamTags</c>), for the
/// router's rules; null when none.</param>
/// <param name="Regions">Added after v1. The regions the request may be served in (data residency): the key's allowed
/// regions intersected with its team's when both are set. The router only ever calls deployments tagged with one of
/// them. Null: no restriction (and what an older sender means); empty: no region allowed, so nothing is called.</param>
[TransientMessage]
public sealed record RouteCompletion(
    Guid RequestId,
    string Api,
    string Model,
    string Body,
    bool Stream,
    Uri? StreamAddress,
    DateTimeOffset Deadline,
    string PrincipalId,
    Uri? StreamChannel = null,
    IReadOnlyDictionary<string, string>? ClientHeaders = null,
    string? KeyId = null,
    string? TeamId = null,
    string? OrganizationId = null,
    IReadOnlyDictionary<string, string>? KeyTags = null,
    IReadOnlyDictionary<string, string>? TeamTags = null,
    IReadOnlyList<string>? Regions = null);
