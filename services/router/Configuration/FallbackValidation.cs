namespace AiMesh.Router.Configuration;

/// <summary>
/// The start-up checks of fallbacks, for <see cref="RouterOptionsValidator"/>: the bounds in range, every name in a
/// fallback list a model some deployment serves (and not the model itself), and no cycle through the lists. A cycle
/// would do no harm at run time (a request never tries a group twice), but it says the operator meant something else,
/// so each one found is named, all of them at once.
/// </summary>
internal static class FallbackValidation
{
    public static void Check(List<string> errors, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(options);
        var bounds = options.Fallbacks;
        if (bounds.MaxDepth is < 1 or > 10 || bounds.MaxCalls is < 1 or > 100)
        {
            errors.Add($"{RouterOptions.Section}:Fallbacks: MaxDepth must be from 1 to 10 and MaxCalls from 1 to 100.");
        }

        var served = options.Deployments.Select(d => d.Model).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (model, group) in options.Models)
        {
            foreach (var (list, names) in Lists(group))
            {
                for (var i = 0; i < names.Count; i++)
                {
                    var at = $"{RouterOptions.Section}:Models:{model}:{list}:{i}";
                    if (string.IsNullOrWhiteSpace(names[i]) || !served.Contains(names[i]))
                    {
                        errors.Add($"{at} must name a model a deployment serves.");
                    }
                    else if (names.Take(i).Contains(names[i], StringComparer.Ordinal))
                    {
                        errors.Add($"{at} names a model the list already named.");
                    }
                }
            }
        }

        foreach (var cycle in Cycles(options.Models))
        {
            errors.Add($"{RouterOptions.Section}:Models: the fallbacks form a cycle: {string.Join(" → ", cycle)}.");
        }
    }

    /// <summary>A group's three lists, by their configuration names.</summary>
    public static IEnumerable<(string Name, IList<string> Models)> Lists(ModelGroupOptions group)
    {
        ArgumentNullException.ThrowIfNull(group);
        yield return (nameof(ModelGroupOptions.Fallbacks), group.Fallbacks);
        yield return (nameof(ModelGroupOptions.ContextFallbacks), group.ContextFallbacks);
        yield return (nameof(ModelGroupOptions.ContentFilterFallbacks), group.ContentFilterFallbacks);
    }

    /// <summary>
    /// The cycles a depth-first walk over every list meets, each once (written from its smallest name, ending where it
    /// began: <c>a → b → a</c>). Every list counts: a context fallback that falls back to the model it came from is as
    /// much a loop as any.
    /// </summary>
    private static List<string[]> Cycles(Dictionary<string, ModelGroupOptions> models)
    {
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var model in models.Keys.Order(StringComparer.Ordinal))
        {
            Walk(model);
        }

        return [.. found.Values];

        void Walk(string model)
        {
            if (done.Contains(model))
            {
                return;
            }

            var at = path.IndexOf(model);
            if (at >= 0)
            {
                var loop = path[at..];
                var start = loop.IndexOf(loop.Min(StringComparer.Ordinal)!);
                string[] cycle = [.. loop[start..], .. loop[..start], loop[start]];
                found.TryAdd(string.Join('\n', cycle), cycle);
                return;
            }

            path.Add(model);
            if (models.TryGetValue(model, out var group))
            {
                foreach (var next in Lists(group).SelectMany(l => l.Models).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal))
                {
                    Walk(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            done.Add(model);
        }
    }
}
