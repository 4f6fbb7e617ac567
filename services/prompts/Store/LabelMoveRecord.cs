namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_label_moves</c>: each move of a label, appended in the move's transaction. Rollback reads it:
/// the label goes back to the version the last move to its current version (not itself a rollback) came from, so
/// repeated rollbacks walk back through the history instead of toggling between two versions.
/// </summary>
internal sealed class LabelMoveRecord
{
    public long Id { get; set; }

    public Guid PromptId { get; set; }

    public string Label { get; set; } = "";

    /// <summary>Null when the move created the label.</summary>
    public int? FromVersion { get; set; }

    public int ToVersion { get; set; }

    public bool Rollback { get; set; }

    public DateTimeOffset MovedAt { get; set; }

    public string MovedBy { get; set; } = "";
}
