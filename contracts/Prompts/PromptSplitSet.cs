namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="SetPromptSplit"/>: the split as it now runs, or null when it was ended.</summary>
[TransientMessage]
public sealed record PromptSplitSet(Guid RequestId, string Name, string Label, PromptSplitDetail? Split);
