namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="PreviewPrompt"/>: the rendered messages and the version they came from.</summary>
[TransientMessage]
public sealed record PromptPreviewed(Guid RequestId, string Name, string Version, IReadOnlyList<PromptMessageDetail> Messages);
