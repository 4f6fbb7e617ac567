using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.OpenAi;
using Microsoft.Extensions.Options;
using ValidatorTests = AiMesh.Router.Tests.Configuration.RouterOptionsValidatorTests;

namespace AiMesh.Router.Tests.Providers.Anthropic;

public sealed class AnthropicConfigurationTests
{
    [Fact]
    public void An_anthropic_deployment_binds_with_its_default_max_tokens_and_version_header()
    {
        var settings = Settings();
        settings["Router:Deployments:0:DefaultMaxTokens"] = "8192";
        settings["Router:Deployments:0:Headers:anthropic-version"] = "2023-06-01";
        settings["Router:Deployments:0:Headers:anthropic-beta"] = "output-128k-2025-02-19";

        Assert.True(Validate(settings).Succeeded);
        var deployment = Assert.Single(new DeploymentCatalog(Options.Create(ValidatorTests.Bind(settings)), ValidatorTests.Configuration(settings)).Deployments);
        Assert.Equal(("anthropic", 8192), (deployment.Provider, deployment.DefaultMaxTokens));
        Assert.Equal("output-128k-2025-02-19", deployment.Headers["anthropic-beta"]);
        Assert.Null(new DeploymentCatalog(Options.Create(ValidatorTests.Bind(Settings())), ValidatorTests.Configuration(Settings())).Deployments[0].DefaultMaxTokens);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1000001")]
    public void A_default_max_tokens_out_of_range_is_refused(string value)
    {
        var settings = Settings();
        settings["Router:Deployments:0:DefaultMaxTokens"] = value;

        var result = Validate(settings);

        Assert.Contains(result.Failures!, f => f.Contains("DefaultMaxTokens must be between 1 and 1000000", StringComparison.Ordinal));
    }

    [Fact]
    public void An_anthropic_deployment_needs_a_key_and_serves_chat_only()
    {
        var settings = Settings();
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        settings["Router:Deployments:0:Api:1"] = "embeddings";

        var failures = Validate(settings).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("provider 'anthropic' needs credentials", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Api 'embeddings' is not served by the anthropic adapter", StringComparison.Ordinal));
    }

    [Fact]
    public void The_key_header_cannot_be_set_by_configuration()
    {
        var settings = Settings();
        settings["Router:Deployments:0:Headers:x-api-key"] = "sk-ant-in-config";

        var failures = Validate(settings).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Headers must not carry credentials (x-api-key)", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("sk-ant-in-config", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["ANTHROPIC_TEST_KEY"] = "sk-ant-secret",
        ["Router:Deployments:0:Name"] = "claude",
        ["Router:Deployments:0:Model"] = "claude-sonnet",
        ["Router:Deployments:0:Provider"] = "anthropic",
        ["Router:Deployments:0:BaseUrl"] = "https://api.anthropic.com/v1",
        ["Router:Deployments:0:ApiKeyEnv"] = "ANTHROPIC_TEST_KEY",
        ["Router:Deployments:0:Api:0"] = "chat.completions",
    };

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings) =>
        new RouterOptionsValidator(ValidatorTests.Configuration(settings), new ProviderAdapters([new OpenAiAdapter(), AnthropicCalls.Adapter])).Validate(null, ValidatorTests.Bind(settings));
}
