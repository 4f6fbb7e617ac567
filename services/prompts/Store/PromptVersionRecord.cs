namespace AiMesh.Prompts.Store;

/// <summary>
/// A row of <c>prompt_versions</c>: one published version, never updated nor deleted (the context refuses it), so a
/// version number means the same text for as long as it exists. Numbers run 1..n per prompt, unique.
/// </summary>
internal sealed class PromptVersionRecord
{
    public Guid PromptId { get; set; }

    public int Number { get; set; }

    /// <summary>JSON <c>[{"role", "content"}]</c>; each content a Liquid template.</summary>
    public string Messages { get; set; } = "[]";

    /// <summary>JSON array of the variable names a request must give.</summary>
    public string Variables { get; set; } = "[]";

    /// <summary>An optional JSON Schema for the variables object, stored as given (checked at render in a later step).</summary>
    public string? VariablesSchema { get; set; }

    /// <summary>The model the version prefers; a request's own <c>model</c> wins.</summary>
    public string? Model { get; set; }

    /// <summary>JSON object of preferred request parameters (temperature, max_tokens, …); a request's own win.</summary>
    public string? Parameters { get; set; }

    public string Author { get; set; } = "";

    /// <summary>What changed and why, in the author's words (as a commit message).</summary>
    public string Message { get; set; } = "";

    public DateTimeOffset Created { get; set; }
}
