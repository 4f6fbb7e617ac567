using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace AiMesh.MockProvider.Azure;

/// <summary>The access tokens the mock's Entra ID token endpoint issued, which its Azure OpenAI routes then accept.</summary>
internal sealed class EntraMockState
{
    /// <summary>How long an issued token lasts, as Entra's usually do (an hour, less a second).</summary>
    public const int TokenSeconds = 3599;

    /// <summary>Every token this mock issues starts with it, so the Azure routes know which bearer tokens to check.</summary>
    public const string TokenPrefix = "eyJ0eXAiOiJKV1QiLCJtb2NrIjoiZW50cmEifQ.";

    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);
    private long issued;

    /// <summary>Tokens issued so far.</summary>
    public long Issued => Interlocked.Read(ref issued);

    public string Issue(DateTimeOffset now)
    {
        var number = Interlocked.Increment(ref issued);
        var token = TokenPrefix + "mock-" + number.ToString(CultureInfo.InvariantCulture) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        tokens[token] = now.AddSeconds(TokenSeconds);
        return token;
    }

    public bool IsValid(string token, DateTimeOffset now) => tokens.TryGetValue(token, out var expires) && now < expires;
}
