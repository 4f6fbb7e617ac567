using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Cli;

/// <summary>
/// Runs one command against the admin API: <c>AIMESH_URL</c> (default <c>http://127.0.0.1:8080</c>) with the key in
/// <c>AIMESH_ADMIN_KEY</c>, or an identity provider's token in <c>AIMESH_ADMIN_TOKEN</c> (both set: refused, as the API
/// refuses two different credentials). Both are sent as <c>Authorization: Bearer</c>; policy tells them apart by shape. Prints the API's JSON answer on success (exit 0); a problem's title, detail and field
/// errors on failure (exit 1); usage on a mistyped command (exit 2); exit 3 when the gateway cannot be reached.
/// The key is never printed; a credential's value is read from a file or standard input, never from the arguments.
/// </summary>
internal static class CliRunner
{
    public const string UrlVariable = "AIMESH_URL";
    public const string KeyVariable = "AIMESH_ADMIN_KEY";
    public const string TokenVariable = "AIMESH_ADMIN_TOKEN";

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static async Task<int> RunAsync(
        string[] args, Func<string, string?> environment, TextWriter output, TextWriter errors, CancellationToken cancellationToken, TextReader? input = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var (arguments, parseError) = CliArguments.Parse(args);
        // Two commands may share their words and differ by how many arguments follow (prompts api list | show <name>).
        var command = arguments is { Positional.Count: >= 2 }
            ? Commands.All.Where(c => c.Group == arguments.Positional[0] && c.Verb == arguments.Positional[1])
                .OrderBy(c => arguments.Positional.Count == 2 + c.Positional.Length ? 0 : 1)
                .FirstOrDefault()
            : null;
        if (arguments is null || command is null)
        {
            await errors.WriteLineAsync(parseError ?? "aimesh: unknown command.");
            await UsageAsync(errors);
            return 2;
        }

        if (arguments.Positional.Count != 2 + command.Positional.Length || arguments.Names.FirstOrDefault(n => !command.Options.Contains(n)) is { } unknown && unknown.Length > 0)
        {
            await errors.WriteLineAsync($"usage: {command.Usage}");
            return 2;
        }

        var (adminKey, token) = (environment(KeyVariable), environment(TokenVariable));
        if (adminKey is { Length: > 0 } && token is { Length: > 0 })
        {
            await errors.WriteLineAsync($"aimesh: set one of {KeyVariable} or {TokenVariable}, not both.");
            return 2;
        }

        if ((adminKey is { Length: > 0 } ? adminKey : token) is not { Length: > 0 } key)
        {
            await errors.WriteLineAsync($"aimesh: set {KeyVariable} to an admin key, or {TokenVariable} to a token from your identity provider.");
            return 2;
        }

        if (!Uri.TryCreate(environment(UrlVariable) is { Length: > 0 } url ? url : "http://127.0.0.1:8080", UriKind.Absolute, out var baseAddress))
        {
            await errors.WriteLineAsync($"aimesh: {UrlVariable} is not a URL.");
            return 2;
        }

        if (command.ReadsSecret)
        {
            var (secret, problem) = await ReadSecretAsync(arguments.One("value-file"), input ?? Console.In, cancellationToken);
            if (secret is null)
            {
                await errors.WriteLineAsync($"aimesh: {problem}");
                return 2;
            }

            arguments.Secret = secret;
        }

        var request = command.Request(arguments);
        using var connection = AdminConnection.Create(baseAddress, key);
        int status;
        JsonNode? body;
        try
        {
            (status, body) = await connection.SendAsync(request.Method, request.Path, request.Body, cancellationToken);
        }
        catch (HttpRequestException failure) when (failure.InnerException is SocketException || failure.HttpRequestError == HttpRequestError.ConnectionError)
        {
            await errors.WriteLineAsync($"aimesh: cannot reach {baseAddress}: {failure.Message}");
            return 3;
        }

        if (status is >= 200 and < 300)
        {
            await output.WriteLineAsync(body is null ? "" : body.ToJsonString(Pretty));
            return 0;
        }

        await errors.WriteLineAsync($"aimesh: {status} {body?["title"]?.GetValue<string>()}: {body?["detail"]?.GetValue<string>()}".TrimEnd(' ', ':'));
        if (body?["errors"] is JsonObject fields)
        {
            foreach (var (field, messages) in fields)
            {
                await errors.WriteLineAsync($"  {field}: {string.Join(" ", messages!.AsArray().Select(m => m!.GetValue<string>()))}");
            }
        }

        return 1;
    }

    /// <summary>The value from the file named (<c>-</c>: standard input) or standard input, without its final line break.</summary>
    private static async Task<(string? Secret, string? Problem)> ReadSecretAsync(string? file, TextReader input, CancellationToken cancellationToken)
    {
        string text;
        if (file is null or "-")
        {
            text = await input.ReadToEndAsync(cancellationToken);
        }
        else
        {
            try
            {
                text = await File.ReadAllTextAsync(file, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return (null, $"cannot read {file} ({exception.GetType().Name}).");
            }
        }

        text = text.TrimEnd('\r', '\n');
        return text.Length == 0 ? (null, "no value: pipe it on standard input or name a file with --value-file (never on the command line).") : (text, null);
    }

    private static async Task UsageAsync(TextWriter errors)
    {
        foreach (var command in Commands.All)
        {
            await errors.WriteLineAsync("  " + command.Usage);
        }
    }
}
