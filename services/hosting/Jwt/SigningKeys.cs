using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Turns configured keys and JWKS documents into verification keys. Only RSA and EC public keys are ever kept: a
/// symmetric (<c>oct</c>) key in a JWKS, or a private key, is dropped, so no HMAC key can exist for a forged HS256
/// token to be checked against, whatever its header says.
/// </summary>
internal static class SigningKeys
{
    /// <summary>Algorithms a token may be signed with. Never <c>none</c>, never HS*.</summary>
    public static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <returns>The key, or null with the reason when the text is neither a public PEM key nor an RSA/EC JWK.</returns>
    public static (SecurityKey? Key, string? Error) Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                var jwk = new JsonWebKey(trimmed);
                return IsPublicSigningKey(jwk) ? (jwk, null) : (null, "a JWK must be an RSA or EC public signing key");
            }
            catch (ArgumentException)
            {
                return (null, "not a readable JWK");
            }
        }

        if (!trimmed.StartsWith("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            return (null, "expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWK");
        }

        // ImportFromPem throws ArgumentException for a block it cannot read at all, CryptographicException for one of
        // the other algorithm.
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(trimmed);
            return (new RsaSecurityKey(rsa), null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(trimmed);
            return (new ECDsaSecurityKey(ec), null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            ec.Dispose();
            return (null, "the PEM block is neither an RSA nor an EC public key");
        }
    }

    /// <summary>The RSA and EC signing keys of a JWKS document; anything else in it is ignored.</summary>
    public static IReadOnlyList<SecurityKey> FromJwks(string json) =>
        [.. new JsonWebKeySet(json).Keys.Where(IsPublicSigningKey)];

    private static bool IsPublicSigningKey(JsonWebKey key) =>
        key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve
        && (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig)
        && !key.HasPrivateKey;
}
