using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// The pure part of a chain run: what each step sends (a <c>prompt</c>-naming chat completion whose variables come from
/// the run's input, earlier steps' outputs or literals) and what it took from the answer (the assistant's text). The
/// prompts service validated the definition when it was saved (<c>ChainRules</c>): sources name the input or an
/// earlier step; this only reads them.
/// </summary>
internal static class ChainStepPlan
{
    private const string InputPrefix = "$input.";
    private const string StepsPrefix = "$steps.";
    private const string OutputSuffix = ".output";

    /// <summary>
    /// Every input field the chain reads that the input lacks, before any step runs (a step must not be paid for when a
    /// later one cannot be sent): the error names the first, as <c>input.&lt;field&gt;</c>.
    /// </summary>
    public static ApiError? MissingInput(ChainDetail chain, JsonObject input)
    {
        var missing = chain.Steps
            .SelectMany(s => s.Variables.Values)
            .Where(v => v.StartsWith(InputPrefix, StringComparison.Ordinal))
            .Select(v => v[InputPrefix.Length..])
            .Where(field => !input.ContainsKey(field))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return missing.Count == 0
            ? null
            : ApiError.Invalid(
                $"The chain's input lacks {string.Join(", ", missing.Select(f => $"'{f}'"))}.", $"input.{missing[0]}", "invalid_chain_input");
    }

    /// <summary>The child request's body: the step's model and its prompt with the variables resolved.</summary>
    public static string Body(ChainDetail chain, ChainStepDetail step, JsonObject input, IReadOnlyDictionary<string, string> outputs)
    {
        var variables = new JsonObject();
        foreach (var (name, source) in step.Variables)
        {
            variables[name] = Resolve(source, input, outputs);
        }

        var prompt = new JsonObject { ["id"] = step.Prompt, ["variables"] = variables };
        if (step.Version is { } version)
        {
            prompt["version"] = version;
        }
        else if (step.Label is { } label)
        {
            prompt["label"] = label;
        }

        return new JsonObject { ["model"] = ModelOf(chain, step), ["prompt"] = prompt }.ToJsonString();
    }

    public static string ModelOf(ChainDetail chain, ChainStepDetail step) => step.Model ?? chain.Model ?? "";

    /// <summary>The assistant's text of a chat completion (<c>choices[0].message.content</c>); empty when it has none (a tool call).</summary>
    public static string OutputOf(string? body)
    {
        if (body is null)
        {
            return "";
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array &&
               choices.GetArrayLength() > 0 && choices[0].TryGetProperty("message", out var message) &&
               message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : "";
    }

    private static JsonNode? Resolve(string source, JsonObject input, IReadOnlyDictionary<string, string> outputs)
    {
        if (source.StartsWith(InputPrefix, StringComparison.Ordinal))
        {
            return input[source[InputPrefix.Length..]]?.DeepClone();
        }

        if (source.StartsWith(StepsPrefix, StringComparison.Ordinal) && source.EndsWith(OutputSuffix, StringComparison.Ordinal))
        {
            return JsonValue.Create(outputs.GetValueOrDefault(source[StepsPrefix.Length..^OutputSuffix.Length], ""));
        }

        return JsonValue.Create(source);
    }
}
