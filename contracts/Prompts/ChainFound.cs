namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="GetChain"/> and <see cref="SaveChain"/>.</summary>
[TransientMessage]
public sealed record ChainFound(Guid RequestId, ChainDetail Chain);
