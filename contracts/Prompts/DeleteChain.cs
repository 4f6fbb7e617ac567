namespace AiMesh.Contracts.Prompts;

/// <summary>Deletes a prompt chain (its prompts stay); answered by <see cref="ChainDeleted"/> or <see cref="PromptRequestFailed"/> (404).</summary>
[TransientMessage]
public sealed record DeleteChain(Guid RequestId, string Name);
