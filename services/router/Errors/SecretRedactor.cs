using System.Text;
using System.Text.RegularExpressions;

namespace AiMesh.Router.Errors;

/// <summary>
/// Makes a provider's error text fit to show a client: removes anything that looks like a credential (the
/// deployment's own key, <c>sk-…</c> keys, bearer tokens, AWS key ids, long base64/hex runs), control
/// characters, and caps the length. Providers do echo keys in messages ("Incorrect API key provided: sk-…").
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    public const int MaxLength = 512;

    public static string Redact(string text, string? knownSecret = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrEmpty(knownSecret))
        {
            text = text.Replace(knownSecret, Mask, StringComparison.Ordinal);
        }

        text = BearerToken().Replace(text, "Bearer " + Mask);
        text = SecretLooking().Replace(text, Mask);
        text = Clean(text);
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
    }

    private static string Clean(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal))
        {
            return text.Trim();
        }

        var builder = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            builder.Append(char.IsControl(character) ? ' ' : character);
        }

        return builder.ToString().Trim();
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=\-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex BearerToken();

    // sk-… keys (OpenAI, Anthropic, DeepSeek…), AWS access key ids, and any 32+ run of base64/base64url/hex.
    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-]{6,}|\b(?:AKIA|ASIA)[A-Z0-9]{12,}|[A-Za-z0-9+/_\-]{32,}={0,2}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex SecretLooking();
}
