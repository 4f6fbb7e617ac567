namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for one comparison's stored results (the rows behind one <see cref="ShadowComparisonRow"/>: this
/// model requested, primary model and shadow model, every currency) that ended in [<see cref="From"/>, <see cref="To"/>),
/// newest first, skipping <see cref="Offset"/> and returning at most <see cref="Limit"/>; answered by
/// <see cref="ShadowResultsPage"/> (queue <c>aimesh-metering-queries</c>). The scope members mean what they mean on
/// <see cref="QueryShadowComparison"/>.
/// </summary>
[TransientMessage]
public sealed record QueryShadowResults(
    Guid RequestId,
    DateTimeOffset From,
    DateTimeOffset To,
    string ModelRequested,
    string PrimaryModel,
    string ShadowModel,
    string? OrganizationId,
    IReadOnlyList<string>? TeamIds,
    IReadOnlyList<string>? KeyIds,
    int Offset,
    int Limit);
