namespace AiMesh.Contracts.Policy;

/// <summary>Asks policy whether a caller may perform an operation. Answered by <see cref="RequestAuthorized"/> or <see cref="RequestDenied"/>.</summary>
/// <param name="CredentialHash">Lower-case hex SHA-256 of the credential the client presented; the credential itself never travels.</param>
/// <param name="Operation">What the caller wants: <c>chat.completions</c>, <c>embeddings</c>, <c>models.list</c>.</param>
/// <param name="Model">The public model name asked for, when the operation names one.</param>
/// <param name="Principal">
/// Set when the ingress verified the caller itself (a JWT or a client certificate); then <paramref name="CredentialHash"/>
/// is empty and policy decides for this principal. Null for API keys.
/// </param>
[TransientMessage]
public sealed record AuthorizeRequest(
    Guid RequestId,
    string CredentialHash,
    string Operation,
    string? Model,
    string? ClientAddress,
    VerifiedPrincipal? Principal = null);
