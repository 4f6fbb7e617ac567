using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Hosting.Streams;

/// <summary>
/// The secret that lets a router write into an ingress's stream channel (<see cref="StreamChannel"/>). Both services
/// read it from the environment variable <c>AIMESH_CHANNEL_KEY</c>; it never travels. What travels is a per-request
/// token, HMAC-SHA256 of the request id under the key: it opens only that request's stream, so a token seen on the
/// wire is worth nothing for any other request. Without a key (or one shorter than 32 characters) there is no
/// channel and streamed chunks go by bus.
/// </summary>
public sealed class StreamChannelKey
{
    public const string Variable = "AIMESH_CHANNEL_KEY";

    /// <summary>Shortest accepted key, in characters: about 192 bits as base64.</summary>
    public const int MinimumLength = 32;

    private static readonly byte[] Purpose = "aimesh-stream-channel-v1:"u8.ToArray();
    private readonly byte[]? _key;

    public StreamChannelKey(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[Variable];
        if (value is { Length: > 0 and < MinimumLength })
        {
            throw new InvalidOperationException($"{Variable} must be at least {MinimumLength} characters (e.g. 32 random bytes as base64).");
        }

        _key = string.IsNullOrEmpty(value) ? null : Encoding.UTF8.GetBytes(value);
    }

    /// <summary>True when a usable key is set.</summary>
    public bool IsAvailable => _key is not null;

    /// <summary>The token that opens <paramref name="requestId"/>'s stream, as base64url.</summary>
    public string TokenFor(Guid requestId) => Base64Url(Mac(requestId));

    /// <summary>Checks a presented token in constant time.</summary>
    public bool Verify(Guid requestId, string? token)
    {
        if (_key is null || token is null || token.Length > 64)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[48];
        if (!TryDecodeBase64Url(token, presented, out var length) || length != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented[..length], Mac(requestId));
    }

    private byte[] Mac(Guid requestId)
    {
        var key = _key ?? throw new InvalidOperationException($"{Variable} is not set; the stream channel is off.");
        Span<byte> message = stackalloc byte[Purpose.Length + 16];
        Purpose.CopyTo(message);
        requestId.TryWriteBytes(message[Purpose.Length..]);
        return HMACSHA256.HashData(key, message);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeBase64Url(string token, Span<byte> destination, out int written)
    {
        var padded = token.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        return Convert.TryFromBase64String(padded, destination, out written);
    }
}
