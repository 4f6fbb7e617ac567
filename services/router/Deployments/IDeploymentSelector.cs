namespace AiMesh.Router.Deployments;

/// <summary>
/// Picks the deployment that serves one call. Issue 6 replaces the first-match rule with load balancing and
/// health; callers depend only on this seam.
/// </summary>
internal interface IDeploymentSelector
{
    /// <returns>Null when no deployment serves <paramref name="model"/> on <paramref name="api"/>.</returns>
    Deployment? Select(string model, string api);
}
