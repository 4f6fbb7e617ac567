namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="SetPromptApi"/>, <see cref="GetPromptApi"/> and <see cref="DeletePromptApi"/>.</summary>
[TransientMessage]
public sealed record PromptApiFound(Guid RequestId, PromptApiDetail Api);
