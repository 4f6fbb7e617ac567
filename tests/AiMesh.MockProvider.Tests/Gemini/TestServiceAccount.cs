using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Gemini;

/// <summary>A service-account key made at run time (no private key is ever committed) and the assertions it signs.</summary>
public sealed class TestServiceAccount : IDisposable
{
    private readonly RSA key = RSA.Create(2048);

    public string PublicKeyPem => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>A signed assertion for <paramref name="audience"/>, with claims a test may spoil.</summary>
    public string Assertion(string audience, DateTimeOffset? issued = null, TimeSpan? lifetime = null, string? issuer = "mock@project.iam.gserviceaccount.com", RSA? signer = null)
    {
        var iat = (issued ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT","kid":"k1"}"""u8);
        var claims = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
            ["aud"] = audience,
            ["iat"] = iat,
            ["exp"] = iat + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
        }));
        var signature = (signer ?? key).SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + claims + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose() => key.Dispose();
}
