using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Templates;

/// <summary>
/// The "Prompts" section: named templates from configuration (issue 2), and the versioned registry's store and the
/// bound on how long a replica may serve a label after it moved (issue 7).
/// </summary>
internal sealed class PromptsOptions
{
    public const string Section = "Prompts";

    public Dictionary<string, PromptTemplate> Templates { get; set; } = new(StringComparer.Ordinal);

    public PromptsDatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// How often every replica reads the whole registry again: the bound on serving a stale label or version when a
    /// <c>PromptChanged</c> event was lost (normally a change is seen as soon as its event arrives).
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(60);
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
