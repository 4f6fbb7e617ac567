namespace AiMesh.Policy.Keys;

/// <summary>
/// A team's settings that its keys' grants carry changed (today: body logging): every policy replica reads the team
/// again and re-folds it into the keys of the team it serves. Private to policy, like <see cref="KeyChanged"/>.
/// </summary>
public sealed record TeamChanged(Guid TeamId);
