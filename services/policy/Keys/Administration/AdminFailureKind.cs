namespace AiMesh.Policy.Keys.Administration;

internal enum AdminFailureKind
{
    /// <summary>No such object (or, once tenancy applies, not one the caller may see).</summary>
    NotFound,

    /// <summary>The request breaks a rule; nothing was changed.</summary>
    Invalid,
}
