namespace AiMesh.Contracts.Prompts;

/// <summary>Creates a prompt with no version yet; answered by <see cref="PromptFound"/> or <see cref="PromptRequestFailed"/> (409 when the name is taken).</summary>
[TransientMessage]
public sealed record CreatePrompt(Guid RequestId, string Name, string? OrganizationId);
