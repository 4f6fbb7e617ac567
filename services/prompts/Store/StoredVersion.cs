using AiMesh.Prompts.Rendering;

namespace AiMesh.Prompts.Store;

/// <param name="VariablesSchema">The JSON Schema's text as published, or null.</param>
/// <param name="Schema">That schema parsed once when the version was read, so a request never parses it.</param>
/// <param name="Parameters">A JSON object's text, or null.</param>
internal sealed record StoredVersion(
    int Number,
    IReadOnlyList<PromptMessage> Messages,
    IReadOnlyList<string> Variables,
    string? VariablesSchema,
    VariableSchema? Schema,
    string? Model,
    string? Parameters,
    string Author,
    string Message,
    DateTimeOffset Created);
