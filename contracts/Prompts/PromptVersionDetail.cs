namespace AiMesh.Contracts.Prompts;

/// <summary>One published version, immutable.</summary>
/// <param name="Variables">The variable names a request must give.</param>
/// <param name="VariablesSchema">An optional JSON Schema of the variables object, as published.</param>
/// <param name="Model">The model the version prefers; a request's own wins.</param>
/// <param name="Parameters">A JSON object of preferred request parameters; a request's own win.</param>
/// <param name="Message">What changed and why, in the author's words.</param>
public sealed record PromptVersionDetail(
    int Number,
    IReadOnlyList<PromptMessageDetail> Messages,
    IReadOnlyList<string> Variables,
    string? VariablesSchema,
    string? Model,
    string? Parameters,
    string Author,
    string Message,
    DateTimeOffset Created);
