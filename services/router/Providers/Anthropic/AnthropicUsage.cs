using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Anthropic's <c>usage</c>. Its <c>input_tokens</c> counts only the tokens after the last cache breakpoint; the
/// tokens read from the cache and those written to it are reported apart. OpenAI's <c>prompt_tokens</c> counts every
/// input token, with the cached ones also in <c>prompt_tokens_details.cached_tokens</c>, so the mesh reports
/// <c>prompt_tokens = input + cache_creation + cache_read</c> and <c>cached_tokens = cache_read</c>: a client or
/// meter that adds prompt and completion tokens gets the real total either way. Cache writes, billed apart by
/// Anthropic, are kept in <see cref="TokenUsage.CacheWriteTokens"/> for the meter; OpenAI's usage has no member for
/// them, so the client sees them inside <c>prompt_tokens</c> only (<see cref="OpenAiUsageJson"/>).
/// </summary>
/// <param name="CacheCreation">Null when Anthropic did not report it.</param>
/// <param name="CacheRead">Null when Anthropic did not report it.</param>
internal readonly record struct AnthropicUsage(int Input, int Output, int? CacheCreation, int? CacheRead)
{
    public int PromptTokens => (int)Math.Min(int.MaxValue, (long)Input + (CacheCreation ?? 0) + (CacheRead ?? 0));

    /// <summary>The <c>usage</c> member of <paramref name="parent"/> (a message, or a <c>message_delta</c> event); null when it has none.</summary>
    public static AnthropicUsage? Read(JsonElement parent)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new AnthropicUsage(
            Count(usage, "input_tokens") ?? 0,
            Count(usage, "output_tokens") ?? 0,
            Count(usage, "cache_creation_input_tokens"),
            Count(usage, "cache_read_input_tokens"));
    }

    /// <summary>
    /// A stream reports usage twice: input counts in <c>message_start</c>, final counts in <c>message_delta</c>, which
    /// may repeat the input counts or send them as zero. Counts are cumulative, so the larger of the two is the truth.
    /// </summary>
    public static AnthropicUsage? Merge(AnthropicUsage? earlier, AnthropicUsage? later)
    {
        if (earlier is not { } a)
        {
            return later;
        }

        if (later is not { } b)
        {
            return a;
        }

        return new AnthropicUsage(
            Math.Max(a.Input, b.Input),
            Math.Max(a.Output, b.Output),
            Max(a.CacheCreation, b.CacheCreation),
            Max(a.CacheRead, b.CacheRead));
    }

    public TokenUsage ToTokenUsage() => new(PromptTokens, Output, CachedTokens: CacheRead, CacheWriteTokens: CacheCreation);

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    // A negative or absurd count is the provider's bug; it must not make the meter go backwards.
    private static int? Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : null;
}
