namespace AiMesh.Contracts.Prompts;

/// <summary>The experiment running on a label: its versions and shares, and who set it when.</summary>
public sealed record PromptSplitDetail(string Label, IReadOnlyList<PromptSplitShare> Versions, DateTimeOffset ChangedAt, string ChangedBy);
