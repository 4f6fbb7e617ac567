namespace AiMesh.Ingress.OpenAi;

/// <summary>What the ingress needs to know of a valid request; the body itself travels unchanged.</summary>
/// <param name="ClientHeaders">Allow-listed client headers for the provider (see <c>RouteCompletion.ClientHeaders</c>).</param>
/// <param name="MaxOutputTokens">The request's <c>max_tokens</c> or <c>max_completion_tokens</c>, for token-rate limits.</param>
/// <param name="AuthorizeAs">What policy authorizes instead of <paramref name="Model"/> (<c>prompt:{name}</c> for a prompt API).</param>
/// <param name="ApiRequestsPerMinute">A prompt API's own rate limit, for policy to count.</param>
internal sealed record ValidatedRequest(
    string Api,
    string Model,
    bool Stream,
    bool HasPrompt,
    string? User,
    IReadOnlyDictionary<string, string>? Tags,
    string Body,
    IReadOnlyDictionary<string, string>? ClientHeaders = null,
    long? MaxOutputTokens = null,
    string? AuthorizeAs = null,
    int? ApiRequestsPerMinute = null);
