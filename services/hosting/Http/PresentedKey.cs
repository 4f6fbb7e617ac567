using Microsoft.AspNetCore.Http;

namespace AiMesh.Hosting.Http;

/// <summary>
/// The API key a request presents, read the same way by every AiMesh surface (the ingress and the admin API):
/// <c>Authorization: Bearer KEY</c> (OpenAI's SDKs) or <c>x-api-key: KEY</c> (Anthropic's), so the same key gets
/// the same decision whichever header carries it.
/// </summary>
public static class PresentedKey
{
    /// <summary>
    /// Reads the key. A request carrying two different keys gets neither: which key a client meant, and which one gets
    /// billed, must never depend on a precedence rule the client may not know.
    /// </summary>
    /// <returns>
    /// The key as sent (to be hashed or verified, never kept or logged), or null: with <c>Conflicting</c> set when the
    /// two headers carry different keys, unset when there is none.
    /// </returns>
    public static (string? Key, bool Conflicting) Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bearer = Bearer(request);
        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        if (bearer is not null && apiKey.Length > 0 && !string.Equals(bearer, apiKey, StringComparison.Ordinal))
        {
            return (null, true);
        }

        return (bearer ?? (apiKey.Length > 0 ? apiKey : null), false);
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
