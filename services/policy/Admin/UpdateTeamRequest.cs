namespace AiMesh.Policy.Admin;

/// <summary>A change to a team; a null member is left as it is.</summary>
/// <param name="LogBodies">Switches body logging on or off for every key of the team (its own and its service accounts').</param>
internal sealed record UpdateTeamRequest(bool? LogBodies);
