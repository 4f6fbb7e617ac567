namespace AiMesh.Router.Configuration;

/// <summary>
/// Shadow traffic (<c>Router:Shadow</c>, <c>Router:Models:{model}:Shadow</c>) checked with the rest of the section by
/// <see cref="RouterOptionsValidator"/>: a candidate that no deployment serves would only ever record failures, and a
/// group shadowing itself would compare a model with itself.
/// </summary>
internal static class ShadowValidation
{
    /// <summary>Far above what a replica should spend on an experiment; only catches a typo.</summary>
    public const int MostConcurrent = 10_000;

    public static void Check(List<string> errors, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(options);
        var shadow = options.Shadow;
        if (shadow.MaxConcurrent is < 1 or > MostConcurrent)
        {
            errors.Add($"{RouterOptions.Section}:Shadow:MaxConcurrent must be from 1 to {MostConcurrent}.");
        }

        if (shadow.Timeout <= TimeSpan.Zero || shadow.Timeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{RouterOptions.Section}:Shadow:Timeout must be greater than zero and at most one hour.");
        }

        var served = options.Deployments.Select(d => d.Model).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (model, group) in options.Models)
        {
            if (group.Shadow is not { } target)
            {
                continue;
            }

            var at = $"{RouterOptions.Section}:Models:{model}:Shadow";
            if (string.IsNullOrWhiteSpace(target.Model) || !served.Contains(target.Model) || target.Model == model)
            {
                errors.Add($"{at}:Model must name another model some deployment serves.");
            }

            if (double.IsNaN(target.Percent) || target.Percent is < 0 or > 100)
            {
                errors.Add($"{at}:Percent must be from 0 to 100.");
            }
        }
    }
}
