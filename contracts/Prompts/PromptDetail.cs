namespace AiMesh.Contracts.Prompts;

/// <summary>A stored prompt: its versions ascending by number, and its labels by name.</summary>
/// <param name="Splits">Added after v1. The experiments running on its labels, by label; null or empty when none.</param>
public sealed record PromptDetail(
    string Name,
    string? OrganizationId,
    DateTimeOffset Created,
    IReadOnlyList<PromptVersionDetail> Versions,
    IReadOnlyList<PromptLabelDetail> Labels,
    IReadOnlyList<PromptSplitDetail>? Splits = null);
