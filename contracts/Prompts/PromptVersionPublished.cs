namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="PublishPromptVersion"/>: the version as stored, with its number.</summary>
[TransientMessage]
public sealed record PromptVersionPublished(Guid RequestId, string Name, PromptVersionDetail Version);
