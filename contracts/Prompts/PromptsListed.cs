namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="ListPrompts"/>: one page, and how many prompts there are in all.</summary>
[TransientMessage]
public sealed record PromptsListed(Guid RequestId, IReadOnlyList<PromptSummary> Prompts, int Total);
