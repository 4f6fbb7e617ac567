namespace AiMesh.Contracts.Policy;

/// <param name="Status">HTTP status the ingress answers with (401, 403, 404, 429).</param>
/// <param name="Code">OpenAI-style error code, e.g. <c>invalid_api_key</c>, <c>model_not_found</c>.</param>
/// <param name="Limits">Added after v1. With a 429 for a rate limit: the caller's standing, for the response headers.</param>
[TransientMessage]
public sealed record RequestDenied(
    Guid RequestId,
    int Status,
    string Code,
    string Message,
    int? RetryAfterSeconds = null,
    RateLimitState? Limits = null);
