using System.Buffers.Text;
using System.Security.Cryptography;

namespace AiMesh.Policy.Keys;

/// <summary>
/// A new virtual key: <c>sk-aimesh-</c> and the base64url of 32 bytes from the operating system's CSPRNG (256 random
/// bits). The secret exists only in the value handed to the caller once; the store keeps its SHA-256 and the first
/// <see cref="DisplayPrefixLength"/> characters.
/// </summary>
internal sealed record VirtualKeySecret(string Secret, string Hash, string DisplayPrefix)
{
    public const string Prefix = "sk-aimesh-";
    public const int RandomBytes = 32;
    public const int DisplayPrefixLength = 12;

    public static VirtualKeySecret Create()
    {
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));
        return new VirtualKeySecret(secret, KeyRing.HashOf(secret), secret[..DisplayPrefixLength]);
    }

    /// <summary>Never the secret in a log, a debugger or an exception message.</summary>
    public override string ToString() => DisplayPrefix + "…";
}
