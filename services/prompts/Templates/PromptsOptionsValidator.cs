using AiMesh.Prompts.Store;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Templates;

/// <summary>Every template error at once, at start: unknown roles, Liquid syntax errors, and variables read that are not declared.</summary>
internal sealed class PromptsOptionsValidator : IValidateOptions<PromptsOptions>
{
    public ValidateOptionsResult Validate(string? name, PromptsOptions options)
    {
        var errors = new List<string>();
        if (!DatabaseProviders.IsKnown(options.Database.Provider))
        {
            errors.Add($"Prompts:Database:Provider '{options.Database.Provider}' is not one of {DatabaseProviders.Sqlite}, {DatabaseProviders.Postgres}.");
        }

        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            errors.Add("Prompts:Database:ConnectionString is empty.");
        }

        if (options.ReloadInterval <= TimeSpan.Zero)
        {
            errors.Add($"Prompts:ReloadInterval must be positive (was {options.ReloadInterval}).");
        }

        foreach (var (id, template) in options.Templates)
        {
            if (template.Messages.Count == 0)
            {
                errors.Add($"Prompts:Templates:{id} has no messages.");
            }

            errors.AddRange(TemplateChecks.Check(template.Messages.Select(m => (m.Role, m.Content)), template.Variables)
                .Select(error => $"Prompts:Templates:{id}: {error}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
