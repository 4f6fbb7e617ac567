namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="GetPrompt"/> and <see cref="CreatePrompt"/>.</summary>
[TransientMessage]
public sealed record PromptFound(Guid RequestId, PromptDetail Prompt);
