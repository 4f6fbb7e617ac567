using System.Text.RegularExpressions;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// <c>{{name}}</c> substitution only — enough for issue 2's configured templates. Issue 7 replaces this with a
/// maintained template library (conditionals, loops). Values are inserted as text, never evaluated.
/// </summary>
internal static partial class TemplateRenderer
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    public static partial Regex Placeholder();

    public static string Render(string template, IReadOnlyDictionary<string, string> variables) =>
        Placeholder().Replace(template, m => variables[m.Groups[1].Value]);
}
