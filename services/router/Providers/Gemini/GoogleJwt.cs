using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// The signed assertion of Google's service-account OAuth flow (RFC 7523): a JWT, RS256, issued by the account for
/// the token endpoint (its audience) and a scope, valid for an hour. Exchanged at the token endpoint for an access token.
/// </summary>
internal static class GoogleJwt
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string Create(GoogleServiceAccount account, RSA key, Uri audience, string scope, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(audience);
        var header = Json(w =>
        {
            w.WriteString("alg", "RS256");
            w.WriteString("typ", "JWT");
            if (account.PrivateKeyId is { Length: > 0 } keyId)
            {
                w.WriteString("kid", keyId);
            }
        });
        var issued = now.ToUnixTimeSeconds();
        var claims = Json(w =>
        {
            w.WriteString("iss", account.ClientEmail);
            w.WriteString("scope", scope);
            w.WriteString("aud", audience.AbsoluteUri);
            w.WriteNumber("iat", issued);
            w.WriteNumber("exp", issued + (long)Lifetime.TotalSeconds);
        });
        var signed = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(claims);
        var signature = key.SignData(System.Text.Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url.EncodeToString(signature);
    }

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
