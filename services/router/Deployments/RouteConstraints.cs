namespace AiMesh.Router.Deployments;

/// <summary>
/// What limits the deployments one request may reach, whoever looks them up (the route, a rule's or a split's target,
/// a fallback group): today the data-residency regions of the admitted key and team.
/// </summary>
/// <param name="Regions">Allowed regions (any case); null: any deployment; empty: none.</param>
internal sealed record RouteConstraints(IReadOnlyList<string>? Regions)
{
    public static RouteConstraints None { get; } = new((IReadOnlyList<string>?)null);

    public bool RestrictsRegions => Regions is not null;

    /// <summary>Whether <paramref name="deployment"/> may serve the request: tagged with an allowed region when regions are restricted.</summary>
    public bool Allows(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (Regions is null)
        {
            return true;
        }

        foreach (var region in deployment.Regions ?? [])
        {
            foreach (var allowed in Regions)
            {
                if (string.Equals(region, allowed, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
