namespace AiMesh.Cli;

/// <summary>Positional words and <c>--name value</c> options (an option may repeat: <c>--model a --model b</c>).</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private CliArguments(List<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    /// <returns>The arguments, or null with the reason when an option has no value.</returns>
    public static (CliArguments? Arguments, string? Error) Parse(IEnumerable<string> args)
    {
        var positional = new List<string>();
        var parsed = new CliArguments(positional);
        using var items = args.GetEnumerator();
        while (items.MoveNext())
        {
            var item = items.Current;
            if (!item.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(item);
                continue;
            }

            if (!items.MoveNext())
            {
                return (null, $"{item} needs a value.");
            }

            var name = item[2..];
            if (!parsed._options.TryGetValue(name, out var values))
            {
                parsed._options[name] = values = [];
            }

            values.Add(items.Current);
        }

        return (parsed, null);
    }

    public string? One(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string>? All(string name) => _options.TryGetValue(name, out var values) ? values : null;

    public IEnumerable<string> Names => _options.Keys;

    /// <summary>The secret a <see cref="CliCommand.ReadsSecret"/> command sends, read by the runner from a file or stdin.</summary>
    public string? Secret { get; set; }
}
