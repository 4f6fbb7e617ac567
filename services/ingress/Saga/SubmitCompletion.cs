using AiMesh.Contracts.Policy;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Starts a request saga. Private to the ingress: it never leaves this process's own endpoint. It carries the
/// hash of the client's credential, never the credential.
/// </summary>
/// <param name="Tags">The caller's tags (the <c>metadata</c> member), metered with the request.</param>
/// <param name="AcceptBefore">
/// After this the client was already told 503 (the send did not complete in time), so a saga must not start: a send
/// the broker took late would otherwise run a request nobody waits for.
/// </param>
/// <param name="Principal">The caller the ingress verified (JWT or client certificate); then <paramref name="CredentialHash"/> is empty.</param>
/// <param name="ClientHeaders">Allow-listed client headers for the provider, passed on in <c>RouteCompletion</c>.</param>
/// <param name="InputTokens">A quarter of the body's characters: the input estimate token-rate limits charge before the call.</param>
/// <param name="MaxOutputTokens">The request's <c>max_tokens</c> / <c>max_completion_tokens</c>, if set.</param>
/// <param name="AuthorizeAs">What policy authorizes in place of <paramref name="Model"/>: <c>prompt:{name}</c> for a
/// published prompt API, so a key may be allowed an API without the model behind it (and the other way round).</param>
/// <param name="ApiRequestsPerMinute">The called prompt API's own rate limit (<c>AuthorizeRequest.ApiRequestsPerMinute</c>).</param>
/// <param name="ChainRunId">Set for a step of a chain run: its answer goes to that run's saga (<c>ChainStateMachine</c>), not to a relay.</param>
public sealed record SubmitCompletion(
    Guid RequestId,
    string Api,
    string Model,
    string Body,
    bool Stream,
    bool HasPrompt,
    string CredentialHash,
    string? ClientAddress,
    string? User,
    IReadOnlyDictionary<string, string>? Tags,
    DateTimeOffset StartedAt,
    DateTimeOffset Deadline,
    DateTimeOffset AcceptBefore,
    IReadOnlyDictionary<string, string>? ClientHeaders = null,
    VerifiedPrincipal? Principal = null,
    long? InputTokens = null,
    long? MaxOutputTokens = null,
    string? AuthorizeAs = null,
    int? ApiRequestsPerMinute = null,
    Guid? ChainRunId = null);
