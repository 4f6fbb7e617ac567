using AiMesh.Hosting.Http;
using AiMesh.Hosting.Jwt;
using AiMesh.Policy.Keys;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Reads the admin credential the way the ingress reads a client's (<see cref="PresentedKey"/>: <c>Authorization:
/// Bearer KEY</c> or <c>x-api-key: KEY</c>; two different keys are refused, never one of them picked). A key leaves
/// only as its SHA-256; a token goes to policy's own verifier (<see cref="AdminTokenAuthentication"/>).
/// </summary>
internal static class AdminCredential
{
    /// <summary>Longer than any key AiMesh makes or accepts at bootstrap; a longer header is not hashed at all.</summary>
    private const int MaxLength = 512;

    /// <summary>Far longer than any identity provider's token (a few KiB with every claim); a longer one is not parsed.</summary>
    private const int MaxTokenLength = 16 * 1024;

    /// <returns>The credential as presented, or null when there is none or two different ones.</returns>
    public static string? Read(HttpRequest request) => PresentedKey.Read(request).Key;

    /// <summary>Whether the credential is to be checked as a token: shaped like one and of a token's size.</summary>
    public static bool IsToken(string secret) => secret.Length <= MaxTokenLength && JwtShape.Matches(secret);

    /// <returns>The key's hash, or null for an absurdly long one.</returns>
    public static string? HashOf(string secret) => secret.Length > MaxLength ? null : KeyRing.HashOf(secret);
}
