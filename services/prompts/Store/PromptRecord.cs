namespace AiMesh.Prompts.Store;

/// <summary>A row of <c>prompts</c>: a prompt's identity. What it says lives in its versions.</summary>
internal sealed class PromptRecord
{
    public Guid Id { get; set; }

    /// <summary>Unique: requests and the admin API name a prompt by it (<c>prompt.id</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The owning organization; null for a prompt of the whole deployment.</summary>
    public string? OrganizationId { get; set; }

    public DateTimeOffset Created { get; set; }
}
