namespace AiMesh.Prompts.Store;

/// <param name="Parameters">A JSON object's text, or null.</param>
internal sealed record StoredVersion(
    int Number,
    IReadOnlyList<PromptMessage> Messages,
    IReadOnlyList<string> Variables,
    string? VariablesSchema,
    string? Model,
    string? Parameters,
    string Author,
    string Message,
    DateTimeOffset Created);
