using Microsoft.Extensions.Primitives;

namespace AiMesh.Ingress.Http;

/// <summary>
/// The request headers the router's rules may match (<c>Ingress:RoutingHeaders</c>, an allow-list): copied into the
/// route's client headers (<c>RouteCompletion.ClientHeaders</c>), names in lower case. The router forwards none of them
/// to a provider (its <c>ClientHeaders.ForCall</c> passes on only <c>anthropic-beta</c>, to Anthropic). Credentials can
/// never be listed (<see cref="IsCredential"/>, refused at start), so no key rides the bus.
/// </summary>
internal static class RoutingHeaders
{
    /// <summary>Longest value carried; a longer one is left out (a rule on it simply does not match).</summary>
    public const int MaxValueLength = 256;

    private static readonly HashSet<string> Credentials = new(
        ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token", "x-aimesh-admin-key"],
        StringComparer.OrdinalIgnoreCase);

    public static bool IsCredential(string name) =>
        Credentials.Contains(name.Trim()) || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    /// <returns><paramref name="clientHeaders"/> with the allowed routing headers the request carries added; the same instance when it carries none.</returns>
    public static IReadOnlyDictionary<string, string>? Merge(
        IReadOnlyDictionary<string, string>? clientHeaders, IHeaderDictionary headers, IList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(allowed);
        Dictionary<string, string>? merged = null;
        foreach (var name in allowed)
        {
            if (!headers.TryGetValue(name, out StringValues values) || StringValues.IsNullOrEmpty(values))
            {
                continue;
            }

            var value = values.ToString().Trim();
            if (value.Length is 0 or > MaxValueLength)
            {
                continue;
            }

            merged ??= clientHeaders is null
                ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(clientHeaders, StringComparer.OrdinalIgnoreCase);
            merged.TryAdd(name.Trim().ToLowerInvariant(), value);
        }

        return merged ?? clientHeaders;
    }
}
