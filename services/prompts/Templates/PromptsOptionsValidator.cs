using System.Text.RegularExpressions;
using AiMesh.Prompts.Rendering;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Templates;

/// <summary>Every template error at once, at start: unknown roles and placeholders that are not declared.</summary>
internal sealed partial class PromptsOptionsValidator : IValidateOptions<PromptsOptions>
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

                foreach (Match m in TemplateRenderer.Placeholder().Matches(message.Content))
                {
                    if (!template.Variables.Contains(m.Groups[1].Value))
                    {
                        errors.Add($"Prompts:Templates:{id}: placeholder '{m.Groups[1].Value}' is not declared in Variables.");
                    }
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
