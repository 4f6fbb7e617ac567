using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace AiMesh.MockProvider.Gemini;

/// <summary>What the mock's Google side keeps across requests: the service-account public key it trusts and the tokens it issued.</summary>
internal sealed class GoogleMockState
{
    /// <summary>How long an issued access token lasts, as Google's usually do.</summary>
    public const int TokenSeconds = 3599;

    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);
    private long issued;

    private readonly RSAParameters? publicKey;

    public GoogleMockState(string? publicKeyPem)
    {
        if (!string.IsNullOrWhiteSpace(publicKeyPem))
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(publicKeyPem);
            publicKey = rsa.ExportParameters(includePrivateParameters: false);
        }
    }

    /// <summary>Whether <paramref name="signature"/> is an RS256 signature of <paramref name="data"/> by the trusted key.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey is not { } parameters)
        {
            return false;
        }

        using var rsa = RSA.Create(parameters);
        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Tokens issued so far.</summary>
    public long Issued => Interlocked.Read(ref issued);

    public string Issue(DateTimeOffset now)
    {
        var number = Interlocked.Increment(ref issued);
        var token = "ya29.mock-" + number.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        tokens[token] = now.AddSeconds(TokenSeconds);
        return token;
    }

    public bool IsValid(string token, DateTimeOffset now) => tokens.TryGetValue(token, out var expires) && now < expires;
}
