using AiMesh.Contracts.Policy;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Who the request is from, in the only forms that travel: an API key's hash (<see cref="CredentialHash"/>), or a
/// principal the ingress verified (then the hash is empty). Or the error to answer instead.
/// </summary>
internal sealed record Caller(string CredentialHash, VerifiedPrincipal? Principal, ApiError? Error)
{
    public static Caller Refused(ApiError error) => new("", null, error);
}
