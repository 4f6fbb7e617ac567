using System.Text;
using System.Text.RegularExpressions;
using Shared = AiMesh.Hosting.Redaction.SecretRedactor;

namespace AiMesh.Router.Errors;

/// <summary>
/// Makes a provider's error text fit to show a client: the shared redactor's credentials (the deployment's own key,
/// <c>sk-…</c> keys, bearer tokens, AWS key ids…; <c>services/hosting/Redaction/SecretRedactor.cs</c>), then what only
/// an error text may lose: any long base64/hex run (an error message is never code, so a random-looking run there is
/// more likely a key than a hash), control characters, and everything past <see cref="MaxLength"/>. Providers do echo
/// keys in messages ("Incorrect API key provided: sk-…").
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = Shared.Mask;

    public const int MaxLength = 512;

    public static string Redact(string text, string? knownSecret = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrEmpty(knownSecret))
        {
            text = text.Replace(knownSecret, Mask, StringComparison.Ordinal);
        }

        text = Shared.RedactText(text);
        text = LongRun().Replace(text, Mask);
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

    // Any 32+ run of base64/base64url/hex, the mask itself excepted.
    [GeneratedRegex(@"[A-Za-z0-9+/_\-]{32,}={0,2}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex LongRun();
}
