using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// Cohere's <c>usage</c>: <c>tokens</c> counts what the model read and wrote (its prompt template included), which is
/// what OpenAI's <c>prompt_tokens</c> and <c>completion_tokens</c> count; <c>billed_units</c> counts what Cohere bills,
/// without the template, and is used only when <c>tokens</c> is missing. <c>cached_tokens</c>, when Cohere reports it,
/// is OpenAI's <c>prompt_tokens_details.cached_tokens</c>.
/// </summary>
internal static class CohereUsage
{
    /// <summary>The <c>usage</c> member of <paramref name="parent"/> (an answer, or a <c>message-end</c> delta); null when it has none.</summary>
    public static TokenUsage? Read(JsonElement parent)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var counts = Counts(usage, "tokens") ?? Counts(usage, "billed_units");
        if (counts is not var (input, output))
        {
            return null;
        }

        return new TokenUsage(input, output, CachedTokens: Count(usage, "cached_tokens"));
    }

    private static (int Input, int Output)? Counts(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var counts) && counts.ValueKind == JsonValueKind.Object
            && (Count(counts, "input_tokens") is not null || Count(counts, "output_tokens") is not null)
            ? (Count(counts, "input_tokens") ?? 0, Count(counts, "output_tokens") ?? 0)
            : null;

    // Cohere sends counts as numbers that may carry a fraction (2.0); a negative or absurd one is the provider's bug
    // and must not make the meter go backwards.
    private static int? Count(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDouble(out var count) && count >= 0 && count <= int.MaxValue
            ? (int)count
            : null;
}
