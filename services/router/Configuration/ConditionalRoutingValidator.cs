namespace AiMesh.Router.Configuration;

/// <summary>
/// The rules (<c>Router:Rules</c>) and splits (<c>Router:Models:{model}:Splits</c>) checked with the rest of the
/// section by <see cref="RouterOptionsValidator"/>: every target a model some deployment serves (a typo would otherwise
/// answer a moved request with model_not_found), no rule that matches everything by accident, shares that add up.
/// </summary>
internal static class ConditionalRoutingValidator
{
    public static void Check(List<string> errors, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(options);
        var served = options.Deployments.Select(d => d.Model).OfType<string>().ToHashSet(StringComparer.Ordinal);
        for (var index = 0; index < options.Rules.Count; index++)
        {
            var rule = options.Rules[index];
            var at = $"{RouterOptions.Section}:Rules:{index}";
            if (string.IsNullOrWhiteSpace(rule.Target) || !served.Contains(rule.Target))
            {
                errors.Add($"{at}:Target must name a model some deployment serves.");
            }

            if (!rule.HasCondition)
            {
                errors.Add($"{at} sets no condition (Models, Metadata, Headers, KeyTags, TeamTags, MinPromptTokens or MaxPromptTokens); it would move every request.");
            }

            if (rule.MinPromptTokens < 0 || rule.MaxPromptTokens < 0 || rule.MinPromptTokens > rule.MaxPromptTokens)
            {
                errors.Add($"{at}: MinPromptTokens and MaxPromptTokens must not be negative, and Min ≤ Max.");
            }

            if (rule.Target is { } target && rule.Models.Count == 1 && rule.Models[0] == target)
            {
                errors.Add($"{at}:Target is the only model it applies to; the rule would change nothing.");
            }
        }

        foreach (var (model, group) in options.Models)
        {
            if (group.StickyBy is { } sticky && !string.Equals(sticky, "key", StringComparison.OrdinalIgnoreCase) && !string.Equals(sticky, "user", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{RouterOptions.Section}:Models:{model}:StickyBy must be key or user.");
            }

            var total = 0d;
            for (var index = 0; index < group.Splits.Count; index++)
            {
                var split = group.Splits[index];
                var at = $"{RouterOptions.Section}:Models:{model}:Splits:{index}";
                if (string.IsNullOrWhiteSpace(split.Target) || !served.Contains(split.Target) || split.Target == model)
                {
                    errors.Add($"{at}:Target must name another model some deployment serves.");
                }

                if (split.Percent is < 0.01 or > 100 || double.IsNaN(split.Percent))
                {
                    errors.Add($"{at}:Percent must be from 0.01 to 100.");
                }

                total += split.Percent;
            }

            if (total > 100.000001)
            {
                errors.Add($"{RouterOptions.Section}:Models:{model}:Splits add up to more than 100 percent.");
            }
        }
    }
}
