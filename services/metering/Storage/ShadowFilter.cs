namespace AiMesh.Metering.Storage;

/// <summary>
/// Which stored shadow results a read selects: those that ended in [<see cref="From"/>, <see cref="To"/>), of one model
/// (requested, primary or shadow) or one comparison when set, of one organization when set, and, when the asker's scope is
/// teams and keys (<see cref="Scoped"/>), of one of <see cref="TeamIds"/> or <see cref="KeyIds"/>.
/// </summary>
internal sealed record ShadowFilter(
    DateTimeOffset From,
    DateTimeOffset To,
    string? Model,
    (string ModelRequested, string PrimaryModel, string ShadowModel)? Comparison,
    string? OrganizationId,
    IReadOnlyList<string>? TeamIds,
    IReadOnlyList<string>? KeyIds)
{
    private readonly HashSet<string> _teams = new(TeamIds ?? [], StringComparer.Ordinal);
    private readonly HashSet<string> _keys = new(KeyIds ?? [], StringComparer.Ordinal);

    /// <summary>Whether the scope names teams or keys (else every team and key of the organization, or of all).</summary>
    public bool Scoped => TeamIds is not null || KeyIds is not null;

    /// <summary>Whether a result of this team and key is within the scope.</summary>
    public bool InScope(string? teamId, string? keyId) =>
        !Scoped || (teamId is not null && _teams.Contains(teamId)) || (keyId is not null && _keys.Contains(keyId));
}
