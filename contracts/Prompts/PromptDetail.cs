namespace AiMesh.Contracts.Prompts;

/// <summary>A stored prompt: its versions ascending by number, and its labels by name.</summary>
public sealed record PromptDetail(
    string Name,
    string? OrganizationId,
    DateTimeOffset Created,
    IReadOnlyList<PromptVersionDetail> Versions,
    IReadOnlyList<PromptLabelDetail> Labels);
