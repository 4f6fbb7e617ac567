namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_labels</c>: a name (<c>production</c>, <c>staging</c>, any) pointing at one version. One row, so
/// a move is one conditional UPDATE: a reader sees the old version or the new one, never neither.
/// </summary>
internal sealed class PromptLabelRecord
{
    public Guid PromptId { get; set; }

    public string Name { get; set; } = "";

    public int Version { get; set; }

    public DateTimeOffset MovedAt { get; set; }

    public string MovedBy { get; set; } = "";
}
