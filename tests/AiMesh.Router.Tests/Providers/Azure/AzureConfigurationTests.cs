using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Providers.Azure;

public sealed class AzureConfigurationTests
{
    private const string Variable = "AZURE_TEST_KEY";

    [Fact]
    public void A_deployment_without_settings_of_its_own_calls_the_ga_version_with_an_api_key()
    {
        var settings = Settings();

        var (result, deployment) = Resolve(settings);

        Assert.True(result.Succeeded);
        Assert.Equal(("2024-10-21", false, "gpt4o-prod"), (deployment.ApiVersion, deployment.AzureBearer, deployment.UpstreamModel));
        Assert.Equal("azure-secret", deployment.ApiKey!.Reveal());
    }

    [Theory]
    [InlineData("v1", "bearer", "v1", true)]
    [InlineData("2025-04-01-preview", "API-KEY", "2025-04-01-preview", false)]
    [InlineData(" 2024-06-01 ", "Bearer", "2024-06-01", true)]
    public void Its_settings_resolve(string version, string auth, string resolved, bool bearer)
    {
        var settings = Settings();
        settings["Router:Deployments:0:ApiVersion"] = version;
        settings["Router:Deployments:0:AzureAuth"] = auth;

        var (result, deployment) = Resolve(settings);

        Assert.True(result.Succeeded);
        Assert.Equal((resolved, bearer), (deployment.ApiVersion, deployment.AzureBearer));
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once_and_other_providers_may_not_set_them()
    {
        var settings = Settings();
        settings["Router:Deployments:0:ApiVersion"] = "latest&x=1";
        settings["Router:Deployments:0:AzureAuth"] = "cert";
        settings["Router:Deployments:1:Name"] = "openai";
        settings["Router:Deployments:1:Model"] = "m";
        settings["Router:Deployments:1:Provider"] = "openai";
        settings["Router:Deployments:1:BaseUrl"] = "https://api.openai.com/v1";
        settings["Router:Deployments:1:ApiVersion"] = "2024-10-21";
        settings["Router:Deployments:1:Api:0"] = "chat.completions";

        var (result, _) = Resolve(settings);

        Assert.Equal(
            [
                "Router:Deployments:0 (azure-chat): ApiVersion must be an Azure OpenAI api-version such as 2024-10-21 or 2025-04-01-preview, or v1.",
                "Router:Deployments:0 (azure-chat): AzureAuth must be 'api-key' or 'bearer'.",
                "Router:Deployments:1 (openai): ApiVersion and AzureAuth are only used by provider 'azure'.",
            ],
            result.Failures);
    }

    [Fact]
    public void An_azure_deployment_needs_credentials()
    {
        var settings = Settings();
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new RouterOptions();
        configuration.GetSection(RouterOptions.Section).Bind(options);

        var result = new RouterOptionsValidator(configuration, new AiMesh.Router.Providers.ProviderAdapters([new AzureAdapter()])).Validate(null, options);

        Assert.Contains(result.Failures!, f => f.Contains("provider 'azure' needs credentials", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        [Variable] = "azure-secret",
        ["Router:Deployments:0:Name"] = "azure-chat",
        ["Router:Deployments:0:Model"] = "gpt-4o",
        ["Router:Deployments:0:Provider"] = "azure",
        ["Router:Deployments:0:BaseUrl"] = "https://contoso.openai.azure.com/",
        ["Router:Deployments:0:UpstreamModel"] = "gpt4o-prod",
        ["Router:Deployments:0:ApiKeyEnv"] = Variable,
        ["Router:Deployments:0:Api:0"] = "chat.completions",
    };

    private static (ValidateOptionsResult Result, Deployment First) Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new RouterOptions();
        configuration.GetSection(RouterOptions.Section).Bind(options);
        var result = new AzureOptionsValidator().Validate(null, options);
        return (result, new DeploymentCatalog(Options.Create(options), configuration).Deployments[0]);
    }
}
