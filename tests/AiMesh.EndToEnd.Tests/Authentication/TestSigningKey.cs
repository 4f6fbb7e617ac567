using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>A key pair made at run time: the private half signs tokens, the public half goes in a JWKS or in configuration.</summary>
public sealed class TestSigningKey
{
    private TestSigningKey(string keyId, AsymmetricAlgorithm algorithm, SecurityKey privateKey, SecurityKey publicKey, string signingAlgorithm, string publicPem)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        Credentials = new SigningCredentials(privateKey, signingAlgorithm);
        Public = publicKey;
        PublicPem = publicPem;
    }

    public string KeyId { get; }

    public AsymmetricAlgorithm Algorithm { get; }

    public SigningCredentials Credentials { get; }

    public SecurityKey Public { get; }

    /// <summary>The public key as a PEM SubjectPublicKeyInfo block.</summary>
    public string PublicPem { get; }

    public static TestSigningKey Rsa(string keyId)
    {
        var rsa = RSA.Create(2048);
        var publicRsa = RSA.Create();
        publicRsa.ImportParameters(rsa.ExportParameters(false));
        return new TestSigningKey(
            keyId, rsa, new RsaSecurityKey(rsa) { KeyId = keyId }, new RsaSecurityKey(publicRsa) { KeyId = keyId },
            SecurityAlgorithms.RsaSha256, rsa.ExportSubjectPublicKeyInfoPem());
    }

    public static TestSigningKey Ec(string keyId)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicEc = ECDsa.Create(ec.ExportParameters(false));
        return new TestSigningKey(
            keyId, ec, new ECDsaSecurityKey(ec) { KeyId = keyId }, new ECDsaSecurityKey(publicEc) { KeyId = keyId },
            SecurityAlgorithms.EcdsaSha256, ec.ExportSubjectPublicKeyInfoPem());
    }
}
