namespace AiMesh.Prompts.Templates;

/// <summary>
/// The "Prompts" section. Issue 2: named templates from configuration. Versioned storage, labels and a full
/// template language come with issue 7.
/// </summary>
internal sealed class PromptsOptions
{
    public const string Section = "Prompts";

    public Dictionary<string, PromptTemplate> Templates { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class PromptTemplate
{
    public string Version { get; set; } = "1";

    /// <summary>Messages put before the client's own; <c>{{name}}</c> is replaced by the variable's value.</summary>
    public List<TemplateMessage> Messages { get; set; } = [];

    /// <summary>Variables the template requires; a request missing one is rejected naming it.</summary>
    public List<string> Variables { get; set; } = [];
}

internal sealed class TemplateMessage
{
    public string Role { get; set; } = "system";

    public string Content { get; set; } = "";
}
