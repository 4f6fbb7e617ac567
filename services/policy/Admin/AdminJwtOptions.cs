namespace AiMesh.Policy.Admin;

/// <summary>
/// What the admin API's token login adds to the shared verifier's settings of the same section
/// (<c>Policy:Admin:Jwt</c>, bound as <see cref="Hosting.Jwt.JwtOptions"/> too: issuers, audiences, keys, claims).
/// </summary>
internal sealed class AdminJwtOptions
{
    public const string Section = "Policy:Admin:Jwt";

    /// <summary>The claim a token names its user by when the section and the issuer do not say: matched to users.email.</summary>
    public const string DefaultUserClaim = "email";

    /// <summary>
    /// When set, a token's user is looked for in this organization only. Unset, in every organization: e-mail
    /// addresses are unique in the store, and a name that matches two users ignoring case matches none.
    /// </summary>
    public Guid? Organization { get; set; }
}
