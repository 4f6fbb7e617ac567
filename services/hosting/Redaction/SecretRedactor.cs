using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiMesh.Hosting.Redaction;

/// <summary>
/// The one place that knows what a credential looks like. It masks, with <see cref="Mask"/>: a secret the caller names
/// (the client's own key, a deployment's key), bearer tokens, <c>sk-…</c> keys (OpenAI, Anthropic's <c>sk-ant-…</c>,
/// project keys <c>sk-proj-…</c>, AiMesh's own virtual keys <c>sk-aimesh-…</c>), AWS access key ids and secret access
/// keys written beside their name, Google API keys, GitHub, GitLab and Slack tokens, JWTs, PEM private key blocks, and
/// the value of any field named like a password, API key, secret, token or authorization (<c>"password": "…"</c>,
/// <c>api_key=…</c>). Ordinary prose, code, UUIDs and hashes are left alone: there is no "long random run" rule here
/// (the router adds one for provider error texts, which are never code; see <c>Router/Errors/SecretRedactor.cs</c>).
/// <para>
/// <see cref="RedactJson"/> keeps JSON valid JSON: it walks the document, masks sensitive fields' values whole and
/// redacts every string value as text (a prompt's text is where a pasted key sits). Text that is not JSON (a cut body)
/// is redacted as text, where the field rule works on the <c>name: value</c> shapes as written.
/// </para>
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    /// <summary>Field names, lowered and without <c>_</c> / <c>-</c>, whose values are masked whole; also any name ending in one of them.</summary>
    private static readonly string[] SensitiveNameEndings =
        ["password", "passwd", "passphrase", "pwd", "secret", "apikey", "token", "authorization", "privatekey", "secretaccesskey", "credential", "credentials"];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Prompts are read by people: keep their letters as they are (only what JSON requires is escaped).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>Masks every credential-looking part of <paramref name="text"/>, and <paramref name="knownSecret"/> wherever it occurs.</summary>
    public static string RedactText(string text, string? knownSecret = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (knownSecret is { Length: >= 4 })
        {
            text = text.Replace(knownSecret, Mask, StringComparison.Ordinal);
        }

        try
        {
            text = PrivateKeyBlock().Replace(text, Mask);
            text = BearerToken().Replace(text, "Bearer " + Mask);
            text = NamedValue().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + (m.Groups["quote"].Success ? m.Groups["quote"].Value + Mask + m.Groups["quote"].Value : Mask));
            text = AwsSecret().Replace(text, m => m.Groups["prefix"].Value + Mask);
            return Token().Replace(text, Mask);
        }
        catch (RegexMatchTimeoutException)
        {
            // Text built to make the patterns backtrack: none of it is kept, rather than some of it unchecked.
            return Mask;
        }
    }

    /// <summary>
    /// Redacts a JSON document and returns it as valid JSON: sensitive fields' values become <c>"[redacted]"</c>, every
    /// other string is redacted as text. Anything that does not parse as JSON is redacted as text instead.
    /// </summary>
    public static string RedactJson(string json, string? knownSecret = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 64);
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
            using var writer = new Utf8JsonWriter(buffer, WriterOptions);
            var read = false;
            while (reader.Read())
            {
                read = true;
                Copy(ref reader, writer, knownSecret);
            }

            writer.Flush();
            if (!read)
            {
                return RedactText(json, knownSecret);
            }
        }
        catch (JsonException)
        {
            return RedactText(json, knownSecret);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Whether a field of this name holds a secret (<c>password</c>, <c>api_key</c>, <c>client_secret</c>, <c>access_token</c>, <c>Authorization</c>…).</summary>
    public static bool IsSensitiveName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Span<char> folded = stackalloc char[Math.Min(name.Length, 128)];
        var length = 0;
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, 128)))
        {
            if (c is not ('_' or '-' or ' ' or '.'))
            {
                folded[length++] = char.ToLowerInvariant(c);
            }
        }

        var key = folded[..length];
        foreach (var ending in SensitiveNameEndings)
        {
            if (key.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer, string? knownSecret)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                var name = reader.GetString()!;
                writer.WritePropertyName(name);
                if (IsSensitiveName(name))
                {
                    // The whole value goes, whatever its shape: a token may be a string, an object of parts, a number.
                    reader.Read();
                    reader.Skip();
                    writer.WriteStringValue(Mask);
                }

                break;
            case JsonTokenType.String:
                writer.WriteStringValue(RedactText(reader.GetString()!, knownSecret));
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
            default:
                break;
        }
    }

    // A PEM private key, its BEGIN line to its END line (or to the end of a cut text); newlines raw or JSON-escaped.
    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 500)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 500)]
    private static partial Regex BearerToken();

    // name: value / name=value / "name": "value" for names like password, api_key, secret, token, authorization, also
    // as escaped inside a JSON string (\"password\": \"…\"). The value is one quoted string or one run without spaces
    // and separators.
    [GeneratedRegex(
        """(?<name>\\?["']?\b[A-Za-z0-9_\-]*(?:password|passwd|passphrase|pwd|secret|api[_\-]?key|token|authorization|private[_\-]?key)\\?["']?)(?<sep>\s*[:=]\s*)(?:(?<quote>\\?")(?:[^"\\\r\n]|\\.)*?\k<quote>|'[^'\r\n]*'|(?!\[redacted\])[^\s"'\\,;&}\]]+)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 500)]
    private static partial Regex NamedValue();

    // An AWS secret access key (40 characters of base64) written after its own name.
    [GeneratedRegex(@"(?<prefix>aws_?secret_?access_?key[""']?\s*[:=]\s*[""']?)[A-Za-z0-9/+=]{40}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 500)]
    private static partial Regex AwsSecret();

    // Tokens recognisable on their own: sk- keys (a digit somewhere, so "sk-learn-tutorials" stays) and AiMesh's
    // sk-aimesh- keys, AWS access key ids, Google API keys, GitHub (classic and fine-grained), GitLab and Slack tokens,
    // and JWTs (three base64url parts, the first a JSON header).
    [GeneratedRegex(
        @"\bsk-aimesh-[A-Za-z0-9_\-]{20,}|\bsk-(?:ant-|proj-)?(?=[A-Za-z0-9_\-]*[0-9])[A-Za-z0-9_\-]{12,}|\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b|\bAIza[0-9A-Za-z_\-]{35}|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}|\bglpat-[A-Za-z0-9_\-]{20,}|\bxox[abposr]-[A-Za-z0-9\-]{10,}|\bxapp-[A-Za-z0-9\-]{10,}|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 500)]
    private static partial Regex Token();
}
