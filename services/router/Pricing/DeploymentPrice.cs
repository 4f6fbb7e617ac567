namespace AiMesh.Router.Pricing;

/// <summary>The prices one deployment's calls are billed at, and the version a cost names them by.</summary>
internal sealed record DeploymentPrice(ModelPrice Price, string Currency, string Version);
