namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks for one stored prompt chain; answered by <see cref="ChainFound"/> or <see cref="PromptRequestFailed"/> (404
/// <c>chain_not_found</c>). Asked by policy's admin API and by the ingress before it runs a chain.
/// </summary>
[TransientMessage]
public sealed record GetChain(Guid RequestId, string Name);
