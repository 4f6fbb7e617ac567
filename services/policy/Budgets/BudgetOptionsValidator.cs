using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Budgets;

/// <summary>Checks "Policy:Budgets" at start and reports every error at once.</summary>
internal sealed class BudgetOptionsValidator(IConfiguration configuration) : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        // Before anything else: a rule or price the binder could not read is missing from the options altogether.
        var errors = AiMesh.Hosting.ConfigurationItems.Unreadable<BudgetRule>(configuration, $"{BudgetOptions.Section}:Rules");
        errors.AddRange(AiMesh.Hosting.ConfigurationItems.Unreadable<ModelPrice>(configuration, $"{BudgetOptions.Section}:Prices"));
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var at = $"{BudgetOptions.Section}:Rules:{i}";
            if (rule.Amount <= 0)
            {
                errors.Add($"{at}:Amount must be positive.");
            }

            if (rule.SoftThresholds.Any(t => t is <= 0 or > 1000))
            {
                errors.Add($"{at}:SoftThresholds must be percentages from 1 to 1000.");
            }

            if (rule.Webhook is { } hook && (!hook.IsAbsoluteUri || hook.Scheme is not ("http" or "https")))
            {
                errors.Add($"{at}:Webhook must be an absolute http or https URL.");
            }
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price.Input < 0 || price.Output < 0)
            {
                errors.Add($"{BudgetOptions.Section}:Prices:{model}: prices must not be negative.");
            }
        }

        if (options.DefaultMaxOutputTokens < 0)
        {
            errors.Add($"{BudgetOptions.Section}:DefaultMaxOutputTokens must not be negative.");
        }

        if (options.ReservationHold <= TimeSpan.Zero || options.WebhookTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{BudgetOptions.Section}: ReservationHold and WebhookTimeout must be positive.");
        }

        if (options.WebhookAttempts is < 1 or > 10)
        {
            errors.Add($"{BudgetOptions.Section}:WebhookAttempts must be from 1 to 10.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
