namespace AiMesh.Router.Deployments;

/// <summary>The first deployment, in configuration order, whose model and API match.</summary>
internal sealed class FirstMatchDeploymentSelector(DeploymentCatalog catalog) : IDeploymentSelector
{
    public Deployment? Select(string model, string api) => catalog.Find(model, api);
}
