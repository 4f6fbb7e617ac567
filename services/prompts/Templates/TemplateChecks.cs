using System.Text.Json.Nodes;
using AiMesh.Prompts.Rendering;

namespace AiMesh.Prompts.Templates;

/// <summary>
/// The checks a prompt's messages pass before they are served: configured templates at start, stored versions when
/// published (a version that fails them is never stored, so it cannot fail a request later for its own fault).
/// </summary>
internal static class TemplateChecks
{
    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal) { "system", "developer", "user", "assistant" };

    /// <summary>Every error at once: unknown roles, Liquid syntax errors, variables read but not declared.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<(string Role, string Content)> messages, IReadOnlyList<string> variables)
    {
        var errors = new List<string>();
        foreach (var (role, content) in messages)
        {
            if (!Roles.Contains(role))
            {
                errors.Add($"role '{role}' is not one of {string.Join(", ", Roles)}.");
            }

            // Parsed, and rendered once with every declared variable nil: what the template reads that is not
            // declared is reported (in a branch that a nil variable does not take, it is found at render: empty).
            if (!TemplateRenderer.TryParse(content, out _, out var syntax))
            {
                errors.Add(syntax ?? "the template does not parse.");
                continue;
            }

            var dry = TemplateRenderer.Render(content, new Dictionary<string, JsonNode?>(), variables);
            errors.AddRange(dry.Undefined.Select(name => $"placeholder '{name}' is not declared in Variables."));
            if (dry.Error is { } failed)
            {
                errors.Add(failed);
            }
        }

        return errors;
    }
}
