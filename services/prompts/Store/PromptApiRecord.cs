namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_apis</c>: a prompt published as an API (at most one per prompt). It follows a label or is pinned
/// to a version; the ingress serves it at <c>/v1/prompts/{name}/run</c> and, when set, at its own path (unique).
/// </summary>
internal sealed class PromptApiRecord
{
    public Guid PromptId { get; set; }

    public string? Path { get; set; }

    public string? Label { get; set; }

    public int? Version { get; set; }

    public string? Model { get; set; }

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string Output { get; set; } = "text";

    public string? OutputSchema { get; set; }

    public int? RequestsPerMinute { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset Updated { get; set; }

    public string UpdatedBy { get; set; } = "";
}
