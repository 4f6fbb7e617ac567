namespace AiMesh.Policy.Keys.Administration;

internal enum AdminFailureKind
{
    /// <summary>No such object, or one of another tenant: the caller cannot tell which.</summary>
    NotFound,

    /// <summary>The request breaks a rule; nothing was changed.</summary>
    Invalid,

    /// <summary>The caller sees the object but may not do this to it (its role, or more than it holds itself).</summary>
    Forbidden,

    /// <summary>The object would collide with an existing one (a name or email taken).</summary>
    Conflict,
}
