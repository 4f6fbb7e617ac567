namespace AiMesh.Contracts.Prompts;

/// <summary>One version of an experiment and the share of the label's requests it gets, in whole percent.</summary>
public sealed record PromptSplitShare(int Version, int Percent);
