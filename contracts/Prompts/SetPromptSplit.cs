namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Starts, replaces or (with <paramref name="Versions"/> empty) ends the experiment on a label: the label's requests
/// are split between versions by percent, sticky per user. Answered by <see cref="PromptSplitSet"/> or
/// <see cref="PromptRequestFailed"/> (400 naming every fault of the shares, 404 for a prompt, label, version or, when
/// ending, a split that does not exist).
/// </summary>
/// <param name="Versions">The versions and their percents, summing to 100; empty to end the experiment.</param>
/// <param name="ChangedBy">The admin who asked, as policy authenticated them.</param>
[TransientMessage]
public sealed record SetPromptSplit(Guid RequestId, string Name, string Label, IReadOnlyList<PromptSplitShare> Versions, string ChangedBy);
