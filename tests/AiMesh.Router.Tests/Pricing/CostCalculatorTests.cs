using AiMesh.Contracts.Routing;
using AiMesh.Router.Pricing;

namespace AiMesh.Router.Tests.Pricing;

/// <summary>
/// The arithmetic for each provider's usage shape, as the adapters normalize it (prompt count holds cache reads and
/// writes, output count holds reasoning), checked against sums worked out by hand, exactly (decimal).
/// </summary>
public sealed class CostCalculatorTests
{
    [Fact]
    public void OpenAI_cached_prompt_tokens_are_billed_at_the_cached_price_and_the_rest_at_the_input_price()
    {
        // gpt-4o-mini: 0.15 input, 0.075 cached, 0.60 output per million. 1,000 prompt tokens of which 600 cached, 200 out.
        var price = new ModelPrice(0.15m, 0.60m, CachedInput: 0.075m);
        var cost = CostCalculator.Compute(price, new TokenUsage(1000, 200, CachedTokens: 600));

        // 400 × 0.15 + 600 × 0.075 + 200 × 0.60 = 60 + 45 + 120 = 225 per million.
        Assert.Equal(0.000225m, cost);
    }

    [Fact]
    public void Anthropic_cache_writes_and_reads_are_billed_apart_from_fresh_input()
    {
        // claude-sonnet-4-5: 3 input, 3.75 cache write, 0.30 cache read, 15 output.
        var price = new ModelPrice(3m, 15m, CachedInput: 0.30m, CacheWrite: 3.75m);
        var usage = new TokenUsage(10_000, 500, CachedTokens: 6_000, CacheWriteTokens: 3_000);
        var cost = CostCalculator.Compute(price, usage);

        // 1,000 × 3 + 6,000 × 0.30 + 3,000 × 3.75 + 500 × 15 = 3,000 + 1,800 + 11,250 + 7,500 = 23,550 per million.
        Assert.Equal(0.02355m, cost);
    }

    [Fact]
    public void Reasoning_tokens_are_output_unless_the_table_prices_them_apart()
    {
        // Gemini's thoughts arrive inside the output count (GeminiUsage adds them): 300 output of which 200 reasoning.
        var usage = new TokenUsage(100, 300, ReasoningTokens: 200);
        var asOutput = CostCalculator.Compute(new ModelPrice(0.30m, 2.50m), usage);
        var apart = CostCalculator.Compute(new ModelPrice(0.30m, 2.50m, Reasoning: 1.00m), usage);

        Assert.Equal(((100 * 0.30m) + (300 * 2.50m)) / 1_000_000m, asOutput);
        Assert.Equal(((100 * 0.30m) + (100 * 2.50m) + (200 * 1.00m)) / 1_000_000m, apart);
    }

    [Fact]
    public void Per_request_and_per_image_charges_are_added_whole()
    {
        var price = new ModelPrice(1m, 2m, PerRequest: 0.005m, PerImage: 0.001m);
        var cost = CostCalculator.Compute(price, new TokenUsage(1_000, 1_000), images: 3);

        Assert.Equal(0.003m + 0.005m + 0.003m, cost);
    }

    [Fact]
    public void Absent_cache_prices_bill_those_tokens_at_the_input_price()
    {
        var price = new ModelPrice(2m, 8m);
        var cost = CostCalculator.Compute(price, new TokenUsage(1_000, 0, CachedTokens: 400, CacheWriteTokens: 100));

        Assert.Equal(0.002m, cost);
    }

    [Fact]
    public void Inconsistent_counts_never_make_a_negative_part()
    {
        // More cached than prompt tokens, more reasoning than output: no negative uncached input or plain output.
        var price = new ModelPrice(1m, 1m, CachedInput: 0.5m, Reasoning: 3m);
        var cost = CostCalculator.Compute(price, new TokenUsage(100, 10, CachedTokens: 150, ReasoningTokens: 20));

        Assert.Equal(((150 * 0.5m) + (10 * 3m)) / 1_000_000m, cost);
    }

    [Fact]
    public void Amounts_are_normalized_without_trailing_zeros()
    {
        Assert.Equal("0.00001", CallCost.Normalize(10m * 1.00m / 1_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
