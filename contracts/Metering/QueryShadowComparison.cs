namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering to compare the shadowed requests (<see cref="ShadowResult"/>) that ended in [<see cref="From"/>,
/// <see cref="To"/>), answered by <see cref="ShadowComparison"/> (queue <c>aimesh-metering-queries</c>), one row per
/// model requested, primary model, shadow model and currency. <see cref="Model"/> keeps the results where it is the
/// model requested, the primary or the shadow model (null: every model). The scope is the asker's, as for
/// <see cref="QueryUsage"/>: <see cref="OrganizationId"/> keeps one organization's results (null: every organization's,
/// those without one included); when <see cref="TeamIds"/> or <see cref="KeyIds"/> is set, a result is kept only when its
/// team is among <see cref="TeamIds"/> or its key among <see cref="KeyIds"/> (a null list counts as empty; both empty:
/// none). Metering answers what it is asked.
/// </summary>
[TransientMessage]
public sealed record QueryShadowComparison(
    Guid RequestId,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Model,
    string? OrganizationId,
    IReadOnlyList<string>? TeamIds,
    IReadOnlyList<string>? KeyIds);
