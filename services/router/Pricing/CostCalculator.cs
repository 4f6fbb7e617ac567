using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Pricing;

/// <summary>
/// The arithmetic, in <see cref="decimal"/> (exact for prices like 0.075 per million, which a double is not):
/// uncached input × input + cache reads × cached input + cache writes × cache write + (output − reasoning) × output +
/// reasoning × reasoning + per-request and per-image charges. Counts follow <see cref="TokenUsage"/>: the prompt
/// count holds the cached and cache-writing tokens, the output count holds the reasoning tokens, whatever the
/// provider's own shape (the adapters normalize it).
/// </summary>
internal static class CostCalculator
{
    private const decimal PerMillion = 1_000_000m;

    public static decimal Compute(ModelPrice price, TokenUsage usage, int images = 0)
    {
        ArgumentNullException.ThrowIfNull(price);
        ArgumentNullException.ThrowIfNull(usage);
        var cached = Math.Max(0, usage.CachedTokens ?? 0);
        var written = Math.Max(0, usage.CacheWriteTokens ?? 0);

        // A provider reporting more cached than prompt tokens is not billed negative input.
        var uncached = Math.Max(0, usage.PromptTokens - cached - written);
        var reasoning = Math.Clamp(usage.ReasoningTokens ?? 0, 0, Math.Max(0, usage.CompletionTokens));
        var output = Math.Max(0, usage.CompletionTokens) - reasoning;

        var tokens = (uncached * price.Input)
            + (cached * (price.CachedInput ?? price.Input))
            + (written * (price.CacheWrite ?? price.Input))
            + (output * price.Output)
            + (reasoning * (price.Reasoning ?? price.Output));
        return (tokens / PerMillion) + (price.PerRequest ?? 0m) + (images * (price.PerImage ?? 0m));
    }
}
