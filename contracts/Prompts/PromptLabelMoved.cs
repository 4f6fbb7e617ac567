namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="MovePromptLabel"/>: the label as it now points.</summary>
[TransientMessage]
public sealed record PromptLabelMoved(Guid RequestId, string Name, PromptLabelDetail Label);
