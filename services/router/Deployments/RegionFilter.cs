using AiMesh.Router.Configuration;

namespace AiMesh.Router.Deployments;

/// <summary>
/// Data residency in the candidate lookup itself (<see cref="IDeploymentSelector.Candidates(string, string, RouteConstraints)"/>):
/// whoever asks for a model's deployments (the route, a rule's or split's target, a fallback) gets only those tagged
/// with an allowed region, so no caller can forget the filter.
/// </summary>
internal static class RegionFilter
{
    /// <summary>The selector's order, kept; those outside the allowed regions left out. No allocation without a restriction.</summary>
    public static IReadOnlyList<Deployment> Apply(IReadOnlyList<Deployment> candidates, RouteConstraints constraints)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(constraints);
        if (!constraints.RestrictsRegions)
        {
            return candidates;
        }

        var allowed = new List<Deployment>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (constraints.Allows(candidate))
            {
                allowed.Add(candidate);
            }
        }

        return allowed;
    }

    /// <summary>
    /// A deployment's region tags: its <c>Regions</c>, else its cloud <c>Region</c> (a Bedrock or Vertex AI deployment
    /// runs there, so that is where the data goes), else none. Trimmed, each once.
    /// </summary>
    public static IReadOnlyList<string> Tags(DeploymentOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tags = source.Regions.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return tags.Length > 0 ? tags : string.IsNullOrWhiteSpace(source.Region) ? [] : [source.Region.Trim()];
    }
}
