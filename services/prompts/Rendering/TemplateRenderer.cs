using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.FileProviders;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// Prompt templates in Liquid (Fluid, a maintained .NET implementation): variables (<c>{{ name }}</c>, members and
/// filters), conditionals (<c>{% if %}</c>) and loops (<c>{% for %}</c>). Liquid cannot run code or reach files (no file
/// provider is given, so <c>include</c> and <c>render</c> fail), values are inserted as text and never evaluated, and
/// a render stops after <see cref="MaxSteps"/> statements and fails past <see cref="MaxOutputChars"/> characters, so
/// neither a template nor a variable (a loop over a huge array) can hold a prompts replica.
/// <para>
/// Variables are the request's <c>prompt.variables</c> (JSON: text, numbers, booleans, null, and objects and arrays as
/// <see cref="JsonTemplateValue"/>); every variable the template declares is defined, as nil when the request left it
/// out, so <c>{% if name %}</c> reads an optional one. A name neither given nor declared is collected in
/// <see cref="Rendering.Undefined"/>: the check at start (<see cref="Templates.PromptsOptionsValidator"/>) reports it.
/// </para>
/// </summary>
internal static class TemplateRenderer
{
    public const int MaxSteps = 100_000;

    public const int MaxOutputChars = 1 << 20;

    /// <summary>Thread-safe, and costly to build: one for the process (Fluid's advice).</summary>
    private static readonly FluidParser Parser = new();

    /// <summary>Parsed templates by their text: each configured or stored version's messages are parsed once.</summary>
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="source"/>; on a syntax error, Liquid's message (with line and column) in <paramref name="error"/>.</summary>
    public static bool TryParse(string source, out IFluidTemplate? template, out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Parsed.TryGetValue(source, out template))
        {
            error = null;
            return true;
        }

        if (!Parser.TryParse(source, out template, out error))
        {
            template = null;
            error = error?.Split('\n', 2)[0].Trim();
            return false;
        }

        Parsed.TryAdd(source, template);
        return true;
    }

    /// <summary>
    /// Renders <paramref name="source"/> with <paramref name="variables"/>; <paramref name="declared"/> are defined as
    /// nil when not given. Never throws for what a template or its variables do: a failure comes back as
    /// <see cref="Rendering.Error"/>, in words that name no server internals.
    /// </summary>
    public static Rendering Render(string source, IReadOnlyDictionary<string, JsonNode?> variables, IEnumerable<string> declared)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(declared);
        if (!TryParse(source, out var template, out var error))
        {
            return new Rendering(null, $"The template does not parse: {error}", []);
        }

        var undefined = new List<string>();
        var options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = 16,
            FileProvider = new NullFileProvider(),
            Undefined = name =>
            {
                if (!undefined.Contains(name, StringComparer.Ordinal))
                {
                    undefined.Add(name);
                }

                return ValueTask.FromResult<FluidValue>(NilValue.Instance);
            },
        };
        var context = new TemplateContext(options);
        foreach (var name in declared)
        {
            context.SetValue(name, NilValue.Instance);
        }

        foreach (var (name, value) in variables)
        {
            context.SetValue(name, JsonTemplateValue.Of(value));
        }

        string text;
        try
        {
            text = template!.Render(context);
        }
#pragma warning disable CA1031 // Whatever a template does wrong is the template's failure, answered as such, never a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new Rendering(null, Describe(e), undefined);
        }

        return text.Length > MaxOutputChars
            ? new Rendering(null, $"The rendered text is longer than {MaxOutputChars} characters.", undefined)
            : new Rendering(text, null, undefined);
    }

    /// <summary>What went wrong, in the template's terms: Fluid's step limit says "recursion", and a file error names a path.</summary>
    private static string Describe(Exception e) => e switch
    {
        InvalidOperationException when e.Message.Contains("recursion", StringComparison.OrdinalIgnoreCase) =>
            $"The template ran more than {MaxSteps} steps or nested too deeply.",
        FileNotFoundException or DirectoryNotFoundException or InvalidOperationException when e.Message.Contains("file", StringComparison.OrdinalIgnoreCase) =>
            "The template includes another template; prompts cannot include files.",
        FileNotFoundException => "The template includes another template; prompts cannot include files.",
        _ => "The template failed while rendering.",
    };

    /// <param name="Text">The rendered text; null when it failed.</param>
    /// <param name="Error">Why it failed, safe to show a client.</param>
    /// <param name="Undefined">Names the template read that were neither given nor declared.</param>
    public sealed record Rendering(string? Text, string? Error, IReadOnlyList<string> Undefined);
}
