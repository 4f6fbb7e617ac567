namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for a stored prompt's figures per version over a period (requests that finished in
/// [<paramref name="From"/>, <paramref name="To"/>)), answered by <see cref="PromptStatsReport"/> (queue
/// <c>aimesh-metering-queries</c>). The asker decides who may see them and forces <paramref name="OrganizationId"/>.
/// </summary>
/// <param name="PromptId">The prompt's name, as the usage events record it (<see cref="RecordUsage.PromptId"/>).</param>
/// <param name="OrganizationId">Only requests of this organization; null: every request naming the prompt.</param>
[TransientMessage]
public sealed record QueryPromptStats(Guid RequestId, string PromptId, DateTimeOffset From, DateTimeOffset To, string? OrganizationId);
