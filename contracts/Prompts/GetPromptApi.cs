namespace AiMesh.Contracts.Prompts;

/// <summary>Asks for a prompt's API; answered by <see cref="PromptApiFound"/> or <see cref="PromptRequestFailed"/> (404 <c>prompt_api_not_found</c>).</summary>
[TransientMessage]
public sealed record GetPromptApi(Guid RequestId, string Name);
