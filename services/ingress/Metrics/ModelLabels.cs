using System.Collections.Frozen;

namespace AiMesh.Ingress;

/// <summary>
/// Which model names may be a metric label: the router's public catalog (asked for by <see cref="ModelCatalogRefresher"/>),
/// and any model a router named a deployment for (it resolves only exact catalog names, so this stays within the catalog
/// and covers the moments before the first answer). Anything else is <see cref="Other"/>: a client cannot grow the label
/// set by inventing model names.
/// </summary>
internal sealed class ModelLabels
{
    public const string Other = "other";

    private volatile FrozenSet<string> _known = FrozenSet<string>.Empty;

    /// <summary>Whether the catalog was answered at least once.</summary>
    public bool IsLoaded { get; private set; }

    public string Label(string requested, string? deployment)
    {
        if (_known.Contains(requested))
        {
            return requested;
        }

        if (deployment is null)
        {
            return Other;
        }

        // A router served it, so it is a catalog name; the next refresh replaces the set with the catalog itself.
        _known = _known.Append(requested).ToFrozenSet(StringComparer.Ordinal);
        return requested;
    }

    public void Replace(IEnumerable<string> catalog)
    {
        _known = catalog.ToFrozenSet(StringComparer.Ordinal);
        IsLoaded = true;
    }
}
