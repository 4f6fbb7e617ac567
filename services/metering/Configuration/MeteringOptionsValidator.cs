using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Configuration;

/// <summary>
/// Checks what data annotations cannot: the nested database section (annotations are not applied to nested
/// objects) and that the provider is one we know. Every problem is reported at once.
/// </summary>
internal sealed class MeteringOptionsValidator : IValidateOptions<MeteringOptions>
{
    private static readonly TimeSpan MaxFeedbackWait = TimeSpan.FromSeconds(4);

    public ValidateOptionsResult Validate(string? name, MeteringOptions options)
    {
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options.Database, new ValidationContext(options.Database), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{MeteringOptions.Section}:Database: {r.ErrorMessage}"));
        }

        results.Clear();
        if (!Validator.TryValidateObject(options.Bodies, new ValidationContext(options.Bodies), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{MeteringOptions.Section}:Bodies: {r.ErrorMessage}"));
        }

        results.Clear();
        if (!Validator.TryValidateObject(options.Reconcile, new ValidationContext(options.Reconcile), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{MeteringOptions.Section}:Reconcile: {r.ErrorMessage}"));
        }

        results.Clear();
        if (!Validator.TryValidateObject(options.Shadow, new ValidationContext(options.Shadow), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{MeteringOptions.Section}:Shadow: {r.ErrorMessage}"));
        }

        if (options.FeedbackWait < TimeSpan.Zero || options.FeedbackWait > MaxFeedbackWait)
        {
            failures.Add($"{MeteringOptions.Section}:FeedbackWait must be from 0 to {MaxFeedbackWait} (the ingress waits 5 s for metering's answer).");
        }

        if (!string.IsNullOrWhiteSpace(options.Database.Provider) && !DatabaseProviders.IsKnown(options.Database.Provider))
        {
            failures.Add($"{MeteringOptions.Section}:Database:Provider '{options.Database.Provider}' is not known; use " +
                $"'{DatabaseProviders.Sqlite}' or '{DatabaseProviders.Postgres}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
