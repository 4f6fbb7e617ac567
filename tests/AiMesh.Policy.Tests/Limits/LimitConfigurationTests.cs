using AiMesh.Policy.Budgets;
using AiMesh.Policy.Limits;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Policy.Tests.Limits;

/// <summary>
/// A rule the configuration binder cannot read is dropped without a word; the validators make that a start-up error
/// naming the rule, so a limit or budget is never silently off.
/// </summary>
public sealed class LimitConfigurationTests
{
    [Fact]
    public void A_limit_too_large_for_its_field_stops_the_start_naming_the_rule()
    {
        var configuration = Configuration(new()
        {
            ["Policy:Limits:Rules:0:Scope"] = "Key",
            ["Policy:Limits:Rules:0:RequestsPerMinute"] = "2",
            ["Policy:Limits:Rules:0:TokensPerMinute"] = "1000000000000",
        });
        var options = configuration.GetSection(LimitOptions.Section).Get<LimitOptions>()!;

        // What the binder alone gives: no rule at all.
        Assert.Empty(options.Rules);

        var result = new LimitOptionsValidator(configuration).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Policy:Limits:Rules:0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("TokensPerMinute", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_field_in_a_rule_stops_the_start()
    {
        var configuration = Configuration(new()
        {
            ["Policy:Limits:Rules:0:Scope"] = "Key",
            ["Policy:Limits:Rules:0:RequestsPerMinute"] = "2",
            ["Policy:Limits:Rules:0:RequestPerSecond"] = "1",
        });

        var result = new LimitOptionsValidator(configuration).Validate(null, configuration.GetSection(LimitOptions.Section).Get<LimitOptions>()!);

        Assert.True(result.Failed);
        Assert.Contains("RequestPerSecond", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Readable_rules_pass()
    {
        var configuration = Configuration(new()
        {
            ["Policy:Limits:Rules:0:Scope"] = "Key",
            ["Policy:Limits:Rules:0:Match"] = "bench",
            ["Policy:Limits:Rules:0:TokensPerMinute"] = "2000000000",
            ["Policy:Limits:Rules:0:OnStoreDown"] = "Closed",
        });

        var options = configuration.GetSection(LimitOptions.Section).Get<LimitOptions>()!;

        Assert.Single(options.Rules);
        Assert.False(new LimitOptionsValidator(configuration).Validate(null, options).Failed);
    }

    [Fact]
    public void A_budget_or_price_the_binder_cannot_read_stops_the_start()
    {
        var configuration = Configuration(new()
        {
            ["Policy:Budgets:Rules:0:Scope"] = "Team",
            ["Policy:Budgets:Rules:0:Period"] = "Monthly",
            ["Policy:Budgets:Rules:0:Amount"] = "100",
            ["Policy:Budgets:Prices:gpt-4o-mini:Input"] = "cheap",
            ["Policy:Budgets:Prices:gpt-4o-mini:Output"] = "0.6",
        });
        var options = configuration.GetSection(BudgetOptions.Section).Get<BudgetOptions>()!;

        var result = new BudgetOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Policy:Budgets:Rules:0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Policy:Budgets:Prices:gpt-4o-mini", result.FailureMessage, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
