namespace AiMesh.Policy.Admin;

internal enum AdminVerdict
{
    Allowed,

    /// <summary>Another tenant's object: answered exactly as an object that does not exist.</summary>
    NotFound,

    /// <summary>Visible to the actor, but not the actor's to change.</summary>
    Forbidden,
}
