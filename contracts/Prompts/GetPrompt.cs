namespace AiMesh.Contracts.Prompts;

/// <summary>Asks for one stored prompt with every version and label; answered by <see cref="PromptFound"/> or <see cref="PromptRequestFailed"/> (404).</summary>
[TransientMessage]
public sealed record GetPrompt(Guid RequestId, string Name);
