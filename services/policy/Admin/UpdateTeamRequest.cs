namespace AiMesh.Policy.Admin;

/// <summary>A change to a team; a null member is left as it is.</summary>
/// <param name="LogBodies">Switches body logging on or off for every key of the team (its own and its service accounts').</param>
/// <param name="Tags">Replaces the team's tags, which the router's rules can match (<c>Router:Rules:N:TeamTags</c>).</param>
/// <param name="Regions">Replaces the team's data-residency regions (intersected with each key's); an empty list lifts the restriction.</param>
internal sealed record UpdateTeamRequest(bool? LogBodies, IReadOnlyDictionary<string, string>? Tags = null, IReadOnlyList<string>? Regions = null);
