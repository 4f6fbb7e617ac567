namespace AiMesh.Contracts.Policy;

/// <summary>
/// A caller the ingress verified itself: a JWT from a configured issuer, or a mapped client certificate. Only what
/// the claims (or the certificate mapping) say travels; the token and the certificate never leave the ingress.
/// Policy trusts it because the bus is inside the trust boundary and the ingress is the only verifier
/// (docs/architecture.md, "Other ways in").
/// </summary>
/// <param name="Method">How the ingress verified the caller: <c>jwt</c> or <c>certificate</c>.</param>
/// <param name="Issuer">The token's <c>iss</c>, or the certificate's issuer name.</param>
/// <param name="Subject">The user the claims (or the certificate mapping) name; metered as <c>user:&lt;Subject&gt;</c>.</param>
/// <param name="Team">The team the claims name, if any.</param>
/// <param name="Roles">AiMesh roles, after the issuer's role value map.</param>
public sealed record VerifiedPrincipal(
    string Method,
    string Issuer,
    string Subject,
    string? Team,
    IReadOnlyList<string> Roles);
