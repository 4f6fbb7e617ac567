namespace AiMesh.Contracts.Policy;

/// <param name="Status">HTTP status the ingress answers with (401, 403, 404, 429).</param>
/// <param name="Code">OpenAI-style error code, e.g. <c>invalid_api_key</c>, <c>model_not_found</c>.</param>
[TransientMessage]
public sealed record RequestDenied(
    Guid RequestId,
    int Status,
    string Code,
    string Message,
    int? RetryAfterSeconds = null);
