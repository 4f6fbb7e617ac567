namespace AiMesh.Policy.Limits;

/// <summary>
/// What a rule counts per: each key, user, team, organization, public model or client address separately, or
/// everything together. Deployments are the router's to limit (their capacity, issue 6): policy decides before a
/// deployment is chosen.
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
