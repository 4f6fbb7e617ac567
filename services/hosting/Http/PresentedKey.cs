using Microsoft.AspNetCore.Http;

namespace AiMesh.Hosting.Http;

/// <summary>
/// The API key a request presents, read the same way by every AiMesh surface (the ingress and the admin API):
/// <c>Authorization: Bearer KEY</c> (OpenAI's SDKs), <c>x-api-key: KEY</c> (Anthropic's) or <c>api-key: KEY</c>
/// (Azure OpenAI's), so the same key gets the same decision whichever header carries it.
/// </summary>
public static class PresentedKey
{
    /// <summary>
    /// Reads the key. A request carrying two different keys gets neither: which key a client meant, and which one gets
    /// billed, must never depend on a precedence rule the client may not know.
    /// </summary>
    /// <returns>
    /// The key as sent (to be hashed or verified, never kept or logged), or null: with <c>Conflicting</c> set when two
    /// headers carry different keys, unset when there is none.
    /// </returns>
    public static (string? Key, bool Conflicting) Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? key = null;
        foreach (var presented in (ReadOnlySpan<string?>)[Bearer(request), Header(request, "x-api-key"), Header(request, "api-key")])
        {
            if (presented is null)
            {
                continue;
            }

            if (key is not null && !string.Equals(key, presented, StringComparison.Ordinal))
            {
                return (null, true);
            }

            key = presented;
        }

        return (key, false);
    }

    private static string? Header(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString().Trim();
        return value.Length > 0 ? value : null;
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
