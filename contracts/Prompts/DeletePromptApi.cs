namespace AiMesh.Contracts.Prompts;

/// <summary>Withdraws a prompt's API (the prompt and its versions stay); answered by <see cref="PromptApiFound"/> (what was deleted) or <see cref="PromptRequestFailed"/> (404).</summary>
[TransientMessage]
public sealed record DeletePromptApi(Guid RequestId, string Name, string DeletedBy);
