namespace AiMesh.Policy.Admin;

/// <summary>How far a role's right to an operation reaches.</summary>
internal enum AdminReach
{
    None,

    /// <summary>Keys the actor owns itself.</summary>
    Own,

    /// <summary>Objects of the actor's teams (team-owned keys, the teams' service accounts and memberships) and its own keys.</summary>
    Teams,

    /// <summary>Everything inside the actor's organization.</summary>
    Organization,

    /// <summary>Everything.</summary>
    All,
}
