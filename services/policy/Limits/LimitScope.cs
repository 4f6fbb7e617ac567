namespace AiMesh.Policy.Limits;

/// <summary>
/// What a rule counts per: each key, user, team, organization, public model or client address separately, or
/// everything together. Deployments are the router's to limit (their capacity, <c>Router:Deployments:N:Limits</c>,
/// services/router/Deployments/DeploymentLimiter.cs): policy decides before a deployment is chosen.
/// </summary>
internal enum LimitScope
{
    Key,
    User,
    Team,
    Org,
    Model,
    ClientAddress,
    Global,
}
