namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_chains</c>: a chain's whole definition. Unlike a prompt's versions a chain is replaced in place
/// (its prompts are the versioned part; a step pins a version or a label when it must not move).
/// </summary>
internal sealed class ChainRecord
{
    /// <summary>The key: the ingress runs a chain by it (<c>/v1/chains/{name}/run</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The owning organization; null for a chain of the whole deployment.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>The model of every step that names none.</summary>
    public string? Model { get; set; }

    /// <summary>The steps as JSON (<see cref="StoreJson"/>), in order.</summary>
    public string Steps { get; set; } = "[]";

    public DateTimeOffset Updated { get; set; }

    public string UpdatedBy { get; set; } = "";
}
