namespace AiMesh.Contracts.Metering;

/// <summary>
/// The answer to <see cref="QueryShadowResults"/>: the results as the router sent them, newest end first (then by request
/// id); <see cref="More"/> when more follow this page. <see cref="Error"/> is set (and <see cref="Results"/> empty) when
/// the query was not one metering can answer.
/// </summary>
[TransientMessage]
public sealed record ShadowResultsPage(Guid RequestId, IReadOnlyList<ShadowResult> Results, bool More, string? Error = null);
