namespace AiMesh.Prompts.Store;

/// <summary>What a publish gives: a version's content and who published it, and why.</summary>
internal sealed record VersionDraft(
    IReadOnlyList<PromptMessage> Messages,
    IReadOnlyList<string> Variables,
    string? VariablesSchema,
    string? Model,
    string? Parameters,
    string Author,
    string Message);
