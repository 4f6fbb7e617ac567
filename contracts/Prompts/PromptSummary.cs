namespace AiMesh.Contracts.Prompts;

/// <summary>A stored prompt in a list: its latest version's number (null before the first publish) and its labels.</summary>
public sealed record PromptSummary(string Name, string? OrganizationId, DateTimeOffset Created, int? LatestVersion, IReadOnlyList<PromptLabelDetail> Labels);
