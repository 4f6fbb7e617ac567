namespace AiMesh.Prompts.Store;

/// <summary>An experiment on a label: the versions it serves and their shares in percent (summing to 100).</summary>
internal sealed record StoredSplit(string Label, IReadOnlyList<SplitShare> Shares, DateTimeOffset ChangedAt, string ChangedBy);
