namespace AiMesh.Contracts.Prompts;

/// <summary>A label and the version it points at, with its last move.</summary>
public sealed record PromptLabelDetail(string Name, int Version, DateTimeOffset MovedAt, string MovedBy);
