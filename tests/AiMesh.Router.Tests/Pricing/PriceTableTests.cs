using AiMesh.Router.Configuration;
using AiMesh.Router.Pricing;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Router.Tests.Pricing;

/// <summary>The shipped table, and the start-up refusal of a table or a deployment price that is wrong, every error at once.</summary>
public sealed class PriceTableTests
{
    [Fact]
    public void The_shipped_table_reads_without_error_and_prices_the_models_the_mesh_ships_and_tests_with()
    {
        var (table, errors) = PriceTableSource.Load(null);

        Assert.Empty(errors);
        Assert.Equal("USD", table!.Currency);
        Assert.Equal("2026-11-23", table.Version);
        foreach (var (provider, model) in new[]
        {
            ("openai", "mock-gpt"), ("openai", "mock-embed"), ("openai", "gpt-4o"), ("openai", "gpt-4o-2024-08-06"), ("openai", "gpt-4o-mini"),
            ("openai", "text-embedding-3-small"), ("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"),
            ("gemini", "gemini-2.5-flash"), ("mistral", "mistral-small-latest"), ("mistral", "magistral-small-latest"),
            ("cohere", "command-a-03-2025"), ("cohere", "embed-v4.0"), ("mistral", "mistral-embed"), ("bedrock", "anthropic.claude-3-haiku-20240307-v1:0"),
        })
        {
            var price = table.Find(provider, model);
            Assert.True(price is not null, $"{provider}/{model} has no price");
            Assert.False(string.IsNullOrEmpty(price.Source) || string.IsNullOrEmpty(price.Date), $"{provider}/{model} has no source or date");
        }

        Assert.Equal(new ModelPrice(2.50m, 10.00m, CachedInput: 1.25m, Source: "https://platform.openai.com/docs/pricing", Date: "2026-11-23"), table.Find("openai", "gpt-4o"));
        Assert.Null(table.Find("openai", "gpt-4o-mini-2099"));
        Assert.Null(table.Find("anthropic", "gpt-4o"));
    }

    [Fact]
    public void A_table_with_many_faults_is_refused_with_every_fault_named()
    {
        const string json = """
        {
          "version": "bad-1",
          "currency": "USS",
          "providers": {
            "openai": {
              "source": "https://example.test/pricing", "date": "2026-11-23",
              "models": {
                "a": { "input": -1, "output": 2 },
                "b": { "input": 1, "output": 2, "aliases": ["a"] },
                "c": { "input": 1, "outptu": 2 },
                "d": { "input": "1", "output": 2 }
              }
            },
            "undated": { "models": { "e": { "input": 1, "output": 1 } } }
          }
        }
        """;
        var (table, errors) = PriceTableReader.Read(json, "test table");

        Assert.Null(table);
        Assert.Contains(errors, e => e.Contains("currency 'USS'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("model 'a': input is negative", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown member 'outptu'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("model 'd': input must be a number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("model 'e': source and date are required", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("test table", e, StringComparison.Ordinal));

        // 'a' was refused (negative), so b's alias 'a' is not a duplicate here; a clean duplicate is its own case below.
        var (_, duplicates) = PriceTableReader.Read("""
            {"version":"1","currency":"USD","providers":{"p":{"source":"s","date":"d","models":{
              "x":{"input":1,"output":1},"y":{"input":1,"output":1,"aliases":["x"]},"x":{"input":2,"output":2}}}}}
            """, "t");
        Assert.Equal(2, duplicates.Count(e => e.Contains("model 'x' is priced twice", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_table_without_version_or_providers_is_refused()
    {
        var (_, errors) = PriceTableReader.Read("""{"currency":"USD"}""", "t");

        Assert.Contains("t: version is required.", errors);
        Assert.Contains("t: providers must be an object of providers.", errors);
        Assert.Single(PriceTableReader.Read("[1]", "t").Errors);
        Assert.Single(PriceTableReader.Read("{", "t").Errors);
    }

    [Fact]
    public void The_file_named_by_configuration_replaces_the_shipped_table_and_a_missing_file_is_an_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aimesh-prices-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"version":"site-7","currency":"EUR","providers":{"openai":{"source":"contract 42","date":"2026-11-01","models":{"mock-gpt":{"input":9,"output":9}}}}}""");
        try
        {
            var source = new PriceTableSource(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Router:Pricing:File"] = path }).Build());

            Assert.Empty(source.Errors);
            Assert.Equal(("site-7", "EUR", 9m), (source.Table!.Version, source.Table.Currency, source.Table.Find("openai", "mock-gpt")!.Input));
            Assert.Null(source.Table.Find("openai", "gpt-4o"));
        }
        finally
        {
            File.Delete(path);
        }

        var (table, errors) = PriceTableSource.Load(path);
        Assert.Null(table);
        Assert.Contains("cannot be read", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_price_blocks_are_checked_with_the_table_and_every_error_is_listed()
    {
        var options = new RouterOptions();
        options.Deployments.Add(new DeploymentOptions { Name = "neg", Model = "m", Provider = "openai", UpstreamModel = "mock-gpt", Price = new PriceOptions { Output = -2, PerRequest = -1 } });
        options.Deployments.Add(new DeploymentOptions { Name = "half", Model = "m", Provider = "openai", UpstreamModel = "self-hosted-llama", Price = new PriceOptions { Input = 1 } });
        options.Deployments.Add(new DeploymentOptions { Name = "fine", Model = "m", Provider = "openai", UpstreamModel = "self-hosted-llama", Price = new PriceOptions { Input = 1, Output = 1 } });
        options.Deployments.Add(new DeploymentOptions { Name = "plain", Model = "m", Provider = "openai", UpstreamModel = "unknown-model" });
        var validator = new PricingValidator(new PriceTableSource(new ConfigurationBuilder().Build()));

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
        [
            "Router:Deployments:0 (neg): Price:Output is negative.",
            "Router:Deployments:0 (neg): Price:PerRequest is negative.",
            "Router:Deployments:1 (half): Price: the price table has no entry for this model, so the block must give Input and Output.",
        ], result.Failures);
    }
}
