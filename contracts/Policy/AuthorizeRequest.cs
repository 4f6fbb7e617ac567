using AiMesh.Contracts.Routing;

namespace AiMesh.Contracts.Policy;

/// <summary>Asks policy whether a caller may perform an operation. Answered by <see cref="RequestAuthorized"/> or <see cref="RequestDenied"/>.</summary>
/// <param name="CredentialHash">Lower-case hex SHA-256 of the credential the client presented; the credential itself never travels.</param>
/// <param name="Operation">What the caller wants: <c>chat.completions</c>, <c>embeddings</c>, <c>models.list</c>.</param>
/// <param name="Model">The public model name asked for, when the operation names one.</param>
/// <param name="Route">Added after v1. The routing request to send once the caller is admitted (its
/// <c>PrincipalId</c> left empty for policy to fill): policy sends it to the router itself, under the same request id
/// and with this message's response address, so the router answers the saga directly and admission costs the
/// request one bus hop instead of two. Policy says it did so with <see cref="RequestAuthorized.Routed"/>; a policy
/// that predates this member ignores it, and the saga routes as before.</param>
/// <param name="Principal">Added after v1.
/// Set when the ingress verified the caller itself (a JWT or a client certificate); then <paramref name="CredentialHash"/>
/// is empty and policy decides for this principal. Null for API keys.
/// </param>
/// <param name="InputTokens">Added after v1. The ingress's estimate of the request's input tokens (a quarter of its
/// body's characters, JSON syntax included, so it errs high), for token-rate limits charged before the call.</param>
/// <param name="MaxOutputTokens">Added after v1. The request's <c>max_tokens</c> / <c>max_completion_tokens</c>, if set.</param>
/// <param name="ApiRequestsPerMinute">Added after v1. Set when the request calls a published prompt API with a rate limit
/// (<paramref name="Model"/> is then <c>prompt:{name}</c>): policy counts it in one window per API, shared by every caller
/// and, with Redis, every replica. The ingress read the limit from the prompts service's list of APIs.</param>
[TransientMessage]
public sealed record AuthorizeRequest(
    Guid RequestId,
    string CredentialHash,
    string Operation,
    string? Model,
    string? ClientAddress,
    RouteCompletion? Route = null,
    VerifiedPrincipal? Principal = null,
    long? InputTokens = null,
    long? MaxOutputTokens = null,
    int? ApiRequestsPerMinute = null);
