namespace AiMesh.Router.Deployments;

/// <summary>Picks the deployments that may serve one call, in the order to try them (<see cref="ModelGroupSelector"/>).</summary>
internal interface IDeploymentSelector
{
    /// <returns>The first deployment to try; null when no deployment serves <paramref name="model"/> on <paramref name="api"/>.</returns>
    Deployment? Select(string model, string api);

    /// <returns>Every deployment that serves <paramref name="model"/> on <paramref name="api"/>, in the order to try them; empty when none does.</returns>
    IReadOnlyList<Deployment> Candidates(string model, string api);

    /// <returns>
    /// The deployments of <paramref name="model"/> on <paramref name="api"/> the request may reach under
    /// <paramref name="constraints"/> (its allowed regions), in the order to try them; empty when none may.
    /// </returns>
    IReadOnlyList<Deployment> Candidates(string model, string api, RouteConstraints constraints) =>
        RegionFilter.Apply(Candidates(model, api), constraints);
}
