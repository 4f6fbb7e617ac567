namespace AiMesh.Policy.Principals;

/// <summary>What one role or team grants: public model names (<c>*</c> = all) and access groups of <see cref="JwtPolicyOptions.Organization"/>.</summary>
internal sealed class PrincipalGrant
{
    public List<string> Models { get; set; } = [];

    public List<string> AccessGroups { get; set; } = [];
}
