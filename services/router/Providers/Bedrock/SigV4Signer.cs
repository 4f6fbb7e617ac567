using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// AWS Signature Version 4 (header form), as a pure computation: the request, the credentials, the region, the
/// service and the time in; the canonical request, string to sign, signature and headers to send out. No clock,
/// no I/O, so tests reproduce AWS's published test vectors exactly. Non-S3 rules: the path is escaped once more
/// (Bedrock model ids such as <c>anthropic.claude-v2:1</c> are sent as <c>…v2%3A1</c> and signed as <c>…v2%253A1</c>),
/// and the path is not normalized (the adapter builds it, it has no dot segments).
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    private const string DateHeader = "x-amz-date";
    private const string ContentHashHeader = "x-amz-content-sha256";
    private const string TokenHeader = "x-amz-security-token";

    // Headers a hop may add or change (or HttpClient sets after signing): never signed.
    private static readonly HashSet<string> Unsigned = new(
        ["authorization", "user-agent", "expect", "content-length", "transfer-encoding", "connection", "x-amzn-trace-id"],
        StringComparer.OrdinalIgnoreCase);

    /// <param name="signPayloadHeader">Also send and sign <c>x-amz-content-sha256</c> (the body's hash).</param>
    public static SigV4Signature Sign(SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset time, bool signPayloadHeader)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var utc = time.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        var added = new List<KeyValuePair<string, string>> { new(DateHeader, amzDate) };
        if (signPayloadHeader)
        {
            added.Add(new(ContentHashHeader, request.PayloadHash));
        }

        if (credentials.SessionToken is { } token)
        {
            added.Add(new(TokenHeader, token.Reveal()));
        }

        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(request.Headers.Concat(added));
        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(), CanonicalPath(request.Path), CanonicalQuery(request.Query), canonicalHeaders, signedHeaders, request.PayloadHash);
        var scope = $"{day}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey.Reveal()), day);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signature, authorization, added);
    }

    /// <summary>
    /// Signs <paramref name="message"/> in place: every header it carries (and <c>host</c>, <c>content-type</c>)
    /// except the few a hop may change, plus <c>x-amz-date</c>, <c>x-amz-content-sha256</c> and the session token.
    /// <paramref name="body"/> must be exactly the bytes of its content.
    /// </summary>
    public static void SignRequest(HttpRequestMessage message, ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(message);
        var uri = message.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(message));

        // Host is signed, so it is set explicitly: what is signed is what is sent.
        message.Headers.Host = uri.Authority;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in message.Headers)
        {
            if (!Unsigned.Contains(name))
            {
                headers.Add(new(name, string.Join(',', values)));
            }
        }

        if (message.Content is not null)
        {
            foreach (var (name, values) in message.Content.Headers.NonValidated)
            {
                if (!Unsigned.Contains(name))
                {
                    headers.Add(new(name, string.Join(',', values)));
                }
            }
        }

        var request = new SigV4Request(message.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, Hex(SHA256.HashData(body)));
        var signature = Sign(request, credentials, region, service, time, signPayloadHeader: true);
        foreach (var (name, value) in signature.AddedHeaders)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    private static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
            {
                byName[key] = values = [];
            }

            values.Add(TrimValue(value));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
        {
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    /// <summary>Leading and trailing spaces removed, runs of spaces inside collapsed to one.</summary>
    private static string TrimValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        foreach (var character in trimmed)
        {
            if (character != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(character);
            }
        }

        return builder.ToString();
    }

    private static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Escape(segments[i]);
        }

        return string.Join('/', segments);
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "";
        }

        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? "" : pair[(equals + 1)..];
                return (Name: Escape(Uri.UnescapeDataString(name)), Value: Escape(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>RFC 3986 escaping as SigV4 wants it: unreserved characters kept, every other UTF-8 byte as upper-case <c>%XX</c>.</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
