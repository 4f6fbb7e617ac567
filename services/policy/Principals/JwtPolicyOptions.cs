namespace AiMesh.Policy.Principals;

/// <summary>
/// The "Policy:Jwt" section: which models a principal the ingress verified (a JWT, or a mapped client certificate) may
/// use, by its roles and its team. A principal may use the union of what its roles and its team grant; <c>*</c>
/// grants every model. Nothing configured grants nothing: such a principal is admitted but every model is
/// "not found" to it, and its model list is empty.
/// </summary>
internal sealed class JwtPolicyOptions
{
    public const string Section = "Policy:Jwt";

    /// <summary>The organization whose access groups <see cref="PrincipalGrant.AccessGroups"/> name (a token carries none).</summary>
    public Guid? Organization { get; set; }

    /// <summary>AiMesh role (after the ingress's role value map) → what it grants.</summary>
    public Dictionary<string, PrincipalGrant> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Team (as the claims name it) → what it grants.</summary>
    public Dictionary<string, PrincipalGrant> Teams { get; set; } = new(StringComparer.Ordinal);
}
