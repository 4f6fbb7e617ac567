namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="DiffPromptVersions"/>: unified diff text (empty when the versions read the same).</summary>
[TransientMessage]
public sealed record PromptVersionsDiffed(Guid RequestId, string Name, int From, int To, string Diff);
