namespace AiMesh.Cli;

/// <summary>
/// One command: its words, the positional arguments it takes, its options, and the admin call it makes.
/// <see cref="ReadsSecret"/>: it sends a secret, read from the file <c>--value-file</c> names or from standard input,
/// never from the command line (which shell history and <c>ps</c> show).
/// </summary>
internal sealed record CliCommand(
    string Group,
    string Verb,
    string[] Positional,
    string[] Options,
    Func<CliArguments, CliRequest> Request,
    bool ReadsSecret = false)
{
    public string Usage => string.Join(' ', new[] { "aimesh", Group, Verb }
        .Concat(Positional.Select(p => $"<{p}>"))
        .Concat(Options.Select(o => $"[--{o} …]"))
        .Concat(ReadsSecret ? ["< value on stdin"] : []));
}
