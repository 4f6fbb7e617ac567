using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Http;

/// <summary>
/// The caller's tags from the <c>x-aimesh-tags</c> header (<c>project=apollo, env=prod</c>), for clients that cannot
/// put <c>metadata</c> in the body (the Anthropic surface, SDKs that drop unknown members), merged with the body's
/// <c>metadata</c>: the body wins a key both name, since it is the request's own statement. The same bounds as
/// <c>metadata</c> for the merged set (16 pairs, keys up to 64, values up to 512 characters); beyond them, or a pair
/// without <c>=</c> or with an empty key, the request is refused (400, param <c>x-aimesh-tags</c>) rather than metered
/// with tags silently cut. Values are stored in metering, never logged.
/// </summary>
internal static class TagsHeader
{
    public const string Name = "x-aimesh-tags";

    private const int MaxPairs = 16;
    private const int MaxKey = 64;
    private const int MaxValue = 512;

    public static (IReadOnlyDictionary<string, string>? Tags, ApiError? Error) Merge(IReadOnlyDictionary<string, string>? metadata, IEnumerable<string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var merged = metadata is null ? null : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        foreach (var pair in header.SelectMany(v => (v ?? "").Split(',')).Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? "" : pair[..equals].Trim();
            if (key.Length == 0)
            {
                return (null, Refused());
            }

            merged ??= new Dictionary<string, string>(StringComparer.Ordinal);
            merged.TryAdd(key, pair[(equals + 1)..].Trim());
        }

        if (merged is not null && (merged.Count > MaxPairs || merged.Any(t => t.Key.Length > MaxKey || t.Value.Length > MaxValue)))
        {
            return (null, Refused());
        }

        return (merged, null);
    }

    private static ApiError Refused() => ApiError.Invalid(
        $"Invalid '{Name}': comma-separated key=value pairs, with the body's metadata at most {MaxPairs} pairs, keys up to {MaxKey} and values up to {MaxValue} characters.",
        Name);
}
