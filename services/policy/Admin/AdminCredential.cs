using AiMesh.Policy.Keys;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Reads the admin credential the way the ingress reads a client's: <c>Authorization: Bearer KEY</c> or
/// <c>x-api-key: KEY</c>, the same decision whichever carries it; two different keys are refused, never one of them
/// picked. Only the SHA-256 leaves this method.
/// </summary>
internal static class AdminCredential
{
    /// <summary>Longer than any key AiMesh makes or accepts at bootstrap; a longer header is not hashed at all.</summary>
    private const int MaxLength = 512;

    /// <returns>The credential's hash, or null when there is none, two different ones, or an absurd one.</returns>
    public static string? HashOf(HttpRequest request)
    {
        var bearer = Bearer(request);
        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        if (bearer is not null && apiKey.Length > 0 && !string.Equals(bearer, apiKey, StringComparison.Ordinal))
        {
            return null;
        }

        var secret = bearer ?? (apiKey.Length > 0 ? apiKey : null);
        return secret is null || secret.Length > MaxLength ? null : KeyRing.HashOf(secret);
    }

    private static string? Bearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization["Bearer ".Length..].Trim();
        return token.Length > 0 ? token : null;
    }
}
