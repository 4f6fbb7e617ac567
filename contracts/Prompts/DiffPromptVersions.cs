namespace AiMesh.Contracts.Prompts;

/// <summary>Asks for a unified line diff of two versions (messages, variables, model, parameters); answered by <see cref="PromptVersionsDiffed"/> or <see cref="PromptRequestFailed"/>.</summary>
[TransientMessage]
public sealed record DiffPromptVersions(Guid RequestId, string Name, int From, int To);
