namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="DeleteChain"/>.</summary>
[TransientMessage]
public sealed record ChainDeleted(Guid RequestId, string Name);
