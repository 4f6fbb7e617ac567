namespace AiMesh.Ingress.Admin;

/// <summary>
/// Which service answers which part of <c>/admin</c>, most specific prefix first. A service that gets an admin API
/// of its own is one line here (e.g. <c>("/admin/prompts", o =&gt; o.PromptsUpstream)</c>) and one option.
/// </summary>
internal static class AdminRoutes
{
    public static IReadOnlyList<(string Prefix, Func<AdminForwardingOptions, Uri?> Upstream)> All { get; } =
    [
        ("/admin", o => o.AdminUpstream),
    ];

    /// <summary>The upstream for a path, or null when no route (or no configured upstream) serves it.</summary>
    public static Uri? UpstreamOf(PathString path, AdminForwardingOptions options)
    {
        foreach (var (prefix, upstream) in All)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return upstream(options);
            }
        }

        return null;
    }
}
