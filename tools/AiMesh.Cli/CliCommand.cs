namespace AiMesh.Cli;

/// <summary>One command: its words, the positional arguments it takes, its options, and the admin call it makes.</summary>
internal sealed record CliCommand(
    string Group,
    string Verb,
    string[] Positional,
    string[] Options,
    Func<CliArguments, CliRequest> Request)
{
    public string Usage => string.Join(' ', new[] { "aimesh", Group, Verb }
        .Concat(Positional.Select(p => $"<{p}>"))
        .Concat(Options.Select(o => $"[--{o} …]")));
}
