namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Publishes a prompt's next version, immutable from then on; answered by <see cref="PromptVersionPublished"/> or
/// <see cref="PromptRequestFailed"/> (400 naming every fault: roles, template syntax, undeclared variables).
/// </summary>
[TransientMessage]
public sealed record PublishPromptVersion(
    Guid RequestId,
    string Name,
    IReadOnlyList<PromptMessageDetail> Messages,
    IReadOnlyList<string> Variables,
    string? VariablesSchema,
    string? Model,
    string? Parameters,
    string Author,
    string Message);
