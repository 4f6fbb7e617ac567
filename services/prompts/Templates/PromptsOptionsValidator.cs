using System.Text.Json.Nodes;
using AiMesh.Prompts.Rendering;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Templates;

/// <summary>Every template error at once, at start: unknown roles, Liquid syntax errors, and variables read that are not declared.</summary>
internal sealed class PromptsOptionsValidator : IValidateOptions<PromptsOptions>
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant"];

    public ValidateOptionsResult Validate(string? name, PromptsOptions options)
    {
        var errors = new List<string>();
        foreach (var (id, template) in options.Templates)
        {
            if (template.Messages.Count == 0)
            {
                errors.Add($"Prompts:Templates:{id} has no messages.");
            }

            foreach (var message in template.Messages)
            {
                if (!Roles.Contains(message.Role))
                {
                    errors.Add($"Prompts:Templates:{id}: role '{message.Role}' is not one of {string.Join(", ", Roles)}.");
                }

                // Parsed, and rendered once with every declared variable nil: what the template reads that is not
                // declared is reported (in a branch that a nil variable does not take, it is found at render: empty).
                if (!TemplateRenderer.TryParse(message.Content, out _, out var syntax))
                {
                    errors.Add($"Prompts:Templates:{id}: {syntax}");
                    continue;
                }

                var dry = TemplateRenderer.Render(message.Content, new Dictionary<string, JsonNode?>(), template.Variables);
                errors.AddRange(dry.Undefined.Select(name => $"Prompts:Templates:{id}: placeholder '{name}' is not declared in Variables."));
                if (dry.Error is { } failed)
                {
                    errors.Add($"Prompts:Templates:{id}: {failed}");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
