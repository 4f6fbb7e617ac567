namespace AiMesh.Hosting.Jwt;

/// <summary>One identity provider: who issues, for whom, with which keys, and how its claims name a user, team and role.</summary>
public sealed class JwtIssuerOptions
{
    /// <summary>The exact <c>iss</c> of its tokens.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Accepted <c>aud</c> values (at least one).</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Where its public keys are published (https; http only on a loopback address). Give this or <see cref="Keys"/>.</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>Static public keys, each a PEM block (SubjectPublicKeyInfo) or a JWK as JSON. Give these or <see cref="JwksUrl"/>.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>The claim naming the user; required in every token. Unset: the section's <see cref="JwtOptions.UserClaim"/>.</summary>
    public string? UserClaim { get; set; }

    /// <summary>The claim naming the team, if the provider sends one.</summary>
    public string? TeamClaim { get; set; }

    /// <summary>The claim listing roles (a string or an array of strings).</summary>
    public string? RoleClaim { get; set; }

    /// <summary>
    /// The provider's role values → AiMesh roles. When given, values not in it are dropped; when empty, the values
    /// are taken as they are.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);
}
