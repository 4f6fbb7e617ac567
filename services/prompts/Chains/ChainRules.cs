using System.Text.RegularExpressions;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Chains;

/// <summary>
/// What makes a chain definition valid, checked when it is saved so that a run never finds out halfway: every
/// variable's source is the run's input, a literal, or the output of an <em>earlier</em> step (so the steps run in their
/// order and no step waits for one after it); every step renders a prompt that exists (stored, at the version or label
/// it pins, or configured) and asks a model. Every fault is reported at once, each naming its step.
/// </summary>
internal static partial class ChainRules
{
    /// <summary>The most steps a chain may have: every step is a provider call the client waits for under one deadline.</summary>
    public const int MaxSteps = 20;

    public const string InputPrefix = "$input.";
    public const string StepsPrefix = "$steps.";
    public const string OutputSuffix = ".output";

    /// <param name="prompts">The stored prompts the steps name, by name (null: not stored).</param>
    /// <param name="configured">Names of configured templates (<c>Prompts:Templates</c>), which have no stored versions or labels.</param>
    public static List<string> Check(
        string name, string? model, IReadOnlyList<ChainStepDetail>? steps, IReadOnlyDictionary<string, StoredPrompt?> prompts, IReadOnlySet<string> configured)
    {
        var errors = new List<string>();
        if (!ValidName().IsMatch(name))
        {
            errors.Add($"'{name}' is not a chain name: 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (steps is not { Count: > 0 and <= MaxSteps })
        {
            errors.Add($"A chain needs 1 to {MaxSteps} steps.");
            return errors;
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        var all = steps.Where(s => s?.Name is not null).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = $"steps[{i}]";
            if (step is null)
            {
                errors.Add($"{at}: a step is an object.");
                continue;
            }

            if (step.Name is null || !ValidStep().IsMatch(step.Name))
            {
                errors.Add($"{at}: '{step.Name}' is not a step name: 1 to 100 letters, digits, '_' or '-', starting with a letter.");
            }
            else if (earlier.Contains(step.Name))
            {
                errors.Add($"{at}: another step is named '{step.Name}'.");
            }

            at = $"{at} ({step.Name})";
            CheckPrompt(step, at, prompts, configured, errors);
            if (string.IsNullOrWhiteSpace(step.Model ?? model))
            {
                errors.Add($"{at}: no model; give the step or the chain one.");
            }

            foreach (var (variable, source) in step.Variables ?? new Dictionary<string, string>())
            {
                if (!ValidVariable().IsMatch(variable))
                {
                    errors.Add($"{at}: '{variable}' is not a variable name.");
                }

                if (SourceError(source, earlier, all) is { } wrong)
                {
                    errors.Add($"{at}: variable '{variable}' {wrong}");
                }
            }

            if (step.Name is not null)
            {
                earlier.Add(step.Name);
            }
        }

        return errors;
    }

    private static void CheckPrompt(
        ChainStepDetail step, string at, IReadOnlyDictionary<string, StoredPrompt?> prompts, IReadOnlySet<string> configured, List<string> errors)
    {
        if (step.Version is not null && step.Label is not null)
        {
            errors.Add($"{at}: give a version or a label, not both.");
        }

        if (string.IsNullOrEmpty(step.Prompt))
        {
            errors.Add($"{at}: a prompt is required.");
            return;
        }

        if (prompts.GetValueOrDefault(step.Prompt) is { } stored)
        {
            if (step.Version is { } version && stored.Version(version) is null)
            {
                errors.Add($"{at}: prompt '{step.Prompt}' has no version {version}.");
            }
            else if (step.Label is { } label && !stored.Labels.ContainsKey(label))
            {
                errors.Add($"{at}: prompt '{step.Prompt}' has no label '{label}'.");
            }
            else if (step.Version is null && step.Label is null && stored.Versions.Count == 0)
            {
                errors.Add($"{at}: prompt '{step.Prompt}' has no published version.");
            }
        }
        else if (!configured.Contains(step.Prompt))
        {
            errors.Add($"{at}: no prompt named '{step.Prompt}'.");
        }
    }

    /// <summary>Null when <paramref name="source"/> is a literal or names the input or an earlier step's output; else why not.</summary>
    private static string? SourceError(string? source, HashSet<string> earlier, HashSet<string> all)
    {
        if (source is null)
        {
            return "has no source.";
        }

        if (!source.StartsWith('$'))
        {
            return null;
        }

        if (source.StartsWith(InputPrefix, StringComparison.Ordinal))
        {
            return ValidVariable().IsMatch(source[InputPrefix.Length..]) ? null : $"names no input field: '{source}'.";
        }

        if (source.StartsWith(StepsPrefix, StringComparison.Ordinal) && source.EndsWith(OutputSuffix, StringComparison.Ordinal) &&
            source.Length > StepsPrefix.Length + OutputSuffix.Length)
        {
            var step = source[StepsPrefix.Length..^OutputSuffix.Length];
            return earlier.Contains(step) ? null
                : all.Contains(step) ? $"refers to step '{step}', which does not run before it."
                : $"refers to step '{step}', which the chain does not have.";
        }

        return $"'{source}' is not a source: use $input.<field>, $steps.<step>.output, or a literal that does not start with '$'.";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex ValidStep();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex ValidVariable();
}
