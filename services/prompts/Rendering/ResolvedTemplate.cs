using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Rendering;

/// <summary>The template a request resolved to, stored or configured: what rendering needs and nothing of where it came from.</summary>
internal sealed record ResolvedTemplate(
    string Version,
    IReadOnlyList<PromptMessage> Messages,
    IReadOnlyList<string> Variables,
    VariableSchema? Schema,
    string? Model,
    string? Parameters);
