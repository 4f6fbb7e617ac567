using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Policy.Tests.Support;

/// <summary>An identity provider's signing key made at run time, given to policy as a static PEM key; mints tokens.</summary>
internal sealed class TestTokens
{
    public const string Issuer = "https://sso.policy.test/";
    public const string Audience = "aimesh-admin";

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Settings for <see cref="AdminHost"/>: this issuer as the admin API's only one, roles in <c>groups</c> taken as they are.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Policy:Admin:Jwt:Issuers:0:Issuer"] = Issuer,
        ["Policy:Admin:Jwt:Issuers:0:Audiences:0"] = Audience,
        ["Policy:Admin:Jwt:Issuers:0:Keys:0"] = key.ExportSubjectPublicKeyInfoPem(),
        ["Policy:Admin:Jwt:Issuers:0:RoleClaim"] = "groups",
        ["Policy:Jwt:Roles:admin:Models:0"] = "*",
    };

    public string Mint(string email, string role, DateTime? expires = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "sso-" + Guid.NewGuid().ToString("N"))]),
            Claims = new Dictionary<string, object> { ["email"] = email, ["groups"] = new[] { role } },
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
}
