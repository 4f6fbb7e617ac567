using System.Security.Cryptography;
using System.Text.Json;
using AiMesh.Hosting.Jwt;
using AiMesh.Ingress.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Ingress.Tests.Authentication;

public sealed class AuthenticationOptionsValidatorTests
{
    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var hmac = JsonSerializer.Serialize(JsonWebKeyConverter.ConvertFromSymmetricSecurityKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))));
        var options = new JwtOptions
        {
            Issuers =
            [
                new() { Issuer = "", Audiences = [], JwksUrl = new Uri("http://idp.example/jwks") },
                new() { Issuer = "https://a/", Audiences = ["x"], JwksUrl = new Uri("https://a/jwks"), Keys = ["-----BEGIN PUBLIC KEY-----"] },
                new() { Issuer = "https://b/", Audiences = ["x"], Keys = [hmac, "not a key"] },
                new() { Issuer = "https://b/", Audiences = ["x"], JwksUrl = new Uri("http://127.0.0.1:5000/jwks") },
            ],
        };
        var certificates = new ClientCertificateOptions
        {
            Mode = ClientCertificateMode.Require,
            Principals = [new() { Thumbprint = "abc", User = "" }],
        };

        // The JWT half is the shared verifier's validator for the ingress's section; the certificates stay the ingress's.
        var tokens = new JwtOptionsValidator("Ingress:Jwt").Validate("Ingress:Jwt", options);
        var result = new AuthenticationOptionsValidator(Options.Create(new IngressHttpsOptions())).Validate(null, certificates);

        Assert.True(tokens.Failed);
        Assert.True(result.Failed);
        var errors = tokens.Failures!.Concat(result.Failures!).ToArray();
        Assert.Contains("Ingress:Jwt:Issuers:0:Issuer is required.", errors);
        Assert.Contains("Ingress:Jwt:Issuers:0:Audiences needs at least one audience, none empty.", errors);
        Assert.Contains("Ingress:Jwt:Issuers:0:JwksUrl must be https (http only on a loopback address).", errors);
        Assert.Contains("Ingress:Jwt:Issuers:1: give exactly one of JwksUrl or Keys.", errors);
        Assert.Contains("Ingress:Jwt:Issuers:2:Keys:0: a JWK must be an RSA or EC public signing key.", errors);
        Assert.Contains("Ingress:Jwt:Issuers:2:Keys:1: expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWK.", errors);
        Assert.Contains("Ingress:Jwt:Issuers:3:Issuer 'https://b/' is configured twice.", errors);
        Assert.DoesNotContain(errors, e => e.StartsWith("Ingress:Jwt:Issuers:3:JwksUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("needs Ingress:Https", StringComparison.Ordinal));
        Assert.Contains("Ingress:ClientCertificates:CaBundlePath must name a PEM file of the CAs to trust.", errors);
        Assert.Contains("Ingress:ClientCertificates:Principals:0:Thumbprint must be a SHA-256 thumbprint (64 hex digits).", errors);
        Assert.Contains("Ingress:ClientCertificates:Principals:0:User is required.", errors);
    }

    [Fact]
    public void An_rsa_pem_and_an_ec_jwk_are_accepted()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonSerializer.Serialize(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false)))));
        var options = new JwtOptions { Issuers = [new() { Issuer = "https://a/", Audiences = ["x"], Keys = [rsa.ExportSubjectPublicKeyInfoPem(), jwk] }] };

        var result = new JwtOptionsValidator("Ingress:Jwt").Validate("Ingress:Jwt", options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_validator_answers_only_for_its_own_section()
    {
        var broken = new JwtOptions { Issuers = [new() { Issuer = "" }] };

        var other = new JwtOptionsValidator("Ingress:Jwt").Validate("Policy:Admin:Jwt", broken);
        var own = new JwtOptionsValidator("Policy:Admin:Jwt").Validate("Policy:Admin:Jwt", broken);

        Assert.True(other.Skipped);
        Assert.Contains("Policy:Admin:Jwt:Issuers:0:Issuer is required.", own.Failures!);
    }
}
