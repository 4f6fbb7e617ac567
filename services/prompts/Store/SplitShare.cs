namespace AiMesh.Prompts.Store;

/// <summary>One version of a split and the share of the label's requests it gets, in whole percent.</summary>
internal sealed record SplitShare(int Version, int Percent);
