namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_splits</c>: an experiment on one label, its versions and their shares as JSON
/// (<c>[{"version":1,"percent":90},…]</c>). One row per label, so starting, changing and ending an experiment are each
/// one write, and a reader sees the whole split or none of it.
/// </summary>
internal sealed class PromptSplitRecord
{
    public Guid PromptId { get; set; }

    public string Label { get; set; } = "";

    public string Versions { get; set; } = "[]";

    public DateTimeOffset ChangedAt { get; set; }

    public string ChangedBy { get; set; } = "";
}
