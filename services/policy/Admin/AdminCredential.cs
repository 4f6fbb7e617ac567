using AiMesh.Hosting.Http;
using AiMesh.Policy.Keys;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Reads the admin credential the way the ingress reads a client's (<see cref="PresentedKey"/>: <c>Authorization:
/// Bearer KEY</c> or <c>x-api-key: KEY</c>; two different keys are refused, never one of them picked). Only the
/// SHA-256 leaves this method.
/// </summary>
internal static class AdminCredential
{
    /// <summary>Longer than any key AiMesh makes or accepts at bootstrap; a longer header is not hashed at all.</summary>
    private const int MaxLength = 512;

    /// <returns>The credential's hash, or null when there is none, two different ones, or an absurd one.</returns>
    public static string? HashOf(HttpRequest request)
    {
        var (secret, _) = PresentedKey.Read(request);
        return secret is null || secret.Length > MaxLength ? null : KeyRing.HashOf(secret);
    }
}
