using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Limits;

/// <summary>Checks "Policy:Limits" at start and reports every error at once.</summary>
internal sealed class LimitOptionsValidator(IConfiguration configuration) : IValidateOptions<LimitOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitOptions options)
    {
        // Before anything else: a rule the binder could not read is missing from options.Rules altogether.
        var errors = AiMesh.Hosting.ConfigurationItems.Unreadable<LimitRule>(configuration, $"{LimitOptions.Section}:Rules");
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var at = $"{LimitOptions.Section}:Rules:{i}";
            int?[] limits = [rule.RequestsPerSecond, rule.RequestsPerMinute, rule.TokensPerMinute, rule.Concurrent];
            if (limits.All(l => l is null))
            {
                errors.Add($"{at}: set at least one of RequestsPerSecond, RequestsPerMinute, TokensPerMinute, Concurrent.");
            }

            if (limits.Any(l => l is <= 0))
            {
                errors.Add($"{at}: limits must be positive.");
            }

            if (rule.Scope == LimitScope.Global && rule.Match is not null)
            {
                errors.Add($"{at}: a global rule has no Match.");
            }
        }

        if (options.Store == LimitStoreKind.Redis && string.IsNullOrWhiteSpace(options.Redis))
        {
            errors.Add($"{LimitOptions.Section}:Redis is required when Store is Redis.");
        }

        if (string.IsNullOrWhiteSpace(options.RedisPrefix) || options.RedisPrefix.AsSpan().ContainsAny("{}"))
        {
            errors.Add($"{LimitOptions.Section}:RedisPrefix must be a non-empty name without braces.");
        }

        if (options.Replicas < 1)
        {
            errors.Add($"{LimitOptions.Section}:Replicas must be at least 1.");
        }

        if (options.StoreTimeout <= TimeSpan.Zero || options.StoreRetryAfter < TimeSpan.Zero || options.SlotHold <= TimeSpan.Zero)
        {
            errors.Add($"{LimitOptions.Section}: StoreTimeout and SlotHold must be positive, StoreRetryAfter not negative.");
        }

        if (options.DefaultMaxOutputTokens < 0)
        {
            errors.Add($"{LimitOptions.Section}:DefaultMaxOutputTokens must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
