using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// Checks AWS Signature Version 4 on a Bedrock request as AWS does, with the credentials the mock was started with:
/// the canonical request is rebuilt from what arrived (the raw path escaped once more, the headers the client says
/// it signed, the hash of the body actually received), so a wrong key, a wrong region scope, a changed body or a
/// header changed after signing all fail with AWS's 403 and error type.
/// </summary>
internal static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "bedrock";

    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <returns>Null when the signature holds; otherwise the error AWS would answer with.</returns>
    public static AwsError? Check(HttpContext http, ReadOnlySpan<byte> body, MockProviderOptions credentials, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        var request = http.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return new AwsError(StatusCodes.Status403Forbidden, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!TryParse(authorization, out var credential, out var signedHeaders, out var signature))
        {
            return Incomplete("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return Incomplete("Credential must have exactly 5 slash-delimited elements.");
        }

        if (!string.Equals(scope[0], credentials.AwsAccessKeyId, StringComparison.Ordinal))
        {
            return new AwsError(StatusCodes.Status403Forbidden, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scope[3] != Service)
        {
            return Invalid($"Credential should be scoped to correct service: '{Service}'.");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if ((now - signedAt).Duration() > MaxSkew)
        {
            return Invalid("Signature expired: the request time is too far from the server time.");
        }

        var names = signedHeaders.Split(';');
        if (scope[1] != amzDate[..8] || !names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return Invalid("The credential date, x-amz-date and the signed headers (host, x-amz-date) must agree.");
        }

        if (credentials.AwsSessionToken is { Length: > 0 } token && request.Headers["x-amz-security-token"].ToString() != token)
        {
            return new AwsError(StatusCodes.Status403Forbidden, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var expected = Sign(
            request.Method,
            question < 0 ? target : target[..question],
            question < 0 ? "" : target[(question + 1)..],
            names.Select(name => (name, request.Headers[name].ToString())),
            Convert.ToHexStringLower(SHA256.HashData(body)),
            credentials.AwsSecretAccessKey,
            amzDate,
            scope[2]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Invalid("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    /// <summary>The signature of a request; also how the mock's own tests sign what they send.</summary>
    /// <param name="headers">The signed headers, names lower case, in any order.</param>
    public static string Sign(string method, string rawPath, string rawQuery, IEnumerable<(string Name, string Value)> headers, string payloadHash,
        string secret, string amzDate, string region, string service = Service)
    {
        ArgumentNullException.ThrowIfNull(method);
        var sorted = headers.OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .AppendJoin('/', rawPath.Split('/').Select(Escape)).Append('\n')
            .Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        canonical.Append('\n').AppendJoin(';', sorted.Select(h => h.Name)).Append('\n').Append(payloadHash);
        var day = amzDate[..8];
        var stringToSign = $"{Algorithm}\n{amzDate}\n{day}/{region}/{service}/aws4_request\n"
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { day, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static bool TryParse(string authorization, out string credential, out string signedHeaders, out string signature)
    {
        credential = signedHeaders = signature = "";
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var value = equals < 0 ? "" : part[(equals + 1)..];
            switch (equals < 0 ? part : part[..equals])
            {
                case "Credential":
                    credential = value;
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    break;
                case "Signature":
                    signature = value;
                    break;
                default:
                    break;
            }
        }

        return credential.Length > 0 && signedHeaders.Length > 0 && signature.Length > 0;
    }

    private static string CanonicalQuery(string rawQuery) => string.Join('&', rawQuery
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(pair => Escape(Uri.UnescapeDataString(pair[0])) + "=" + (pair.Length > 1 ? Escape(Uri.UnescapeDataString(pair[1])) : ""))
        .Order(StringComparer.Ordinal));

    private static string Escape(string segment)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static AwsError Incomplete(string message) => new(StatusCodes.Status403Forbidden, "IncompleteSignatureException", message);

    private static AwsError Invalid(string message) => new(StatusCodes.Status403Forbidden, "InvalidSignatureException", message);
}
