namespace AiMesh.Router.Deployments;

/// <summary>Picks the deployments that may serve one call, in the order to try them (<see cref="ModelGroupSelector"/>).</summary>
internal interface IDeploymentSelector
{
    /// <returns>The first deployment to try; null when no deployment serves <paramref name="model"/> on <paramref name="api"/>.</returns>
    Deployment? Select(string model, string api);

    /// <returns>Every deployment that serves <paramref name="model"/> on <paramref name="api"/>, in the order to try them; empty when none does.</returns>
    IReadOnlyList<Deployment> Candidates(string model, string api);
}
