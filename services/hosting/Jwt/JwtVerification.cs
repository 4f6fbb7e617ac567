using AiMesh.Contracts.Policy;

namespace AiMesh.Hosting.Jwt;

/// <summary>What checking one token found: a principal, or why not (for the log line only, never for the client).</summary>
/// <param name="Unavailable">Nothing could be checked: the issuer's keys are not cached and could not be fetched in time.</param>
public sealed record JwtVerification(VerifiedPrincipal? Principal, string? Failure, bool Unavailable = false)
{
    public static JwtVerification Refused(string failure) => new(null, failure);
}
