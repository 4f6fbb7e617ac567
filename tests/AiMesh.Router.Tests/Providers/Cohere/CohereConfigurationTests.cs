using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.OpenAi;
using Microsoft.Extensions.Options;
using ValidatorTests = AiMesh.Router.Tests.Configuration.RouterOptionsValidatorTests;

namespace AiMesh.Router.Tests.Providers.Cohere;

/// <summary>A <c>cohere</c> deployment as configuration declares it, and what start-up validation refuses.</summary>
public sealed class CohereConfigurationTests
{
    [Fact]
    public void A_cohere_deployment_binds_for_chat_and_embeddings_with_its_key_from_the_environment()
    {
        var settings = Settings();
        settings["Router:Deployments:0:Api:1"] = "embeddings";

        Assert.True(Validate(settings).Succeeded);
        var deployment = Assert.Single(new DeploymentCatalog(Options.Create(ValidatorTests.Bind(settings)), ValidatorTests.Configuration(settings)).Deployments);
        Assert.Equal(("cohere", "https://api.cohere.com/v2/", "co-secret"), (deployment.Provider, deployment.BaseUrl.ToString(), deployment.ApiKey!.Reveal()));
        Assert.Equal([ProviderApis.ChatCompletions, ProviderApis.Embeddings], deployment.Api);
    }

    [Fact]
    public void A_cohere_deployment_needs_a_key_and_may_not_carry_one_in_its_headers()
    {
        var settings = Settings();
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        settings["Router:Deployments:0:Headers:Authorization"] = "Bearer co-in-config";

        var failures = Validate(settings).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("provider 'cohere' needs credentials", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Headers must not carry credentials", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("co-in-config", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["COHERE_TEST_KEY"] = "co-secret",
        ["Router:Deployments:0:Name"] = "command",
        ["Router:Deployments:0:Model"] = "command-a",
        ["Router:Deployments:0:Provider"] = "cohere",
        ["Router:Deployments:0:BaseUrl"] = "https://api.cohere.com/v2",
        ["Router:Deployments:0:UpstreamModel"] = "command-a-03-2025",
        ["Router:Deployments:0:ApiKeyEnv"] = "COHERE_TEST_KEY",
        ["Router:Deployments:0:Api:0"] = "chat.completions",
    };

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings) =>
        new RouterOptionsValidator(ValidatorTests.Configuration(settings), new ProviderAdapters([new OpenAiAdapter(), CohereCalls.Adapter])).Validate(null, ValidatorTests.Bind(settings));
}
