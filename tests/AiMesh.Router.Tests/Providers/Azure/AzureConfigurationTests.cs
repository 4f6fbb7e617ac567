using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Providers.Azure;

public sealed class AzureConfigurationTests
{
    private const string Variable = "AZURE_TEST_KEY";
    private const string SecretVariable = "AZURE_TEST_ENTRA_SECRET";
    private const string EntraSecret = "entra~client.secret-value";
    private const string ClientId = "5f0c6a1e-3b7d-4c2a-9e8f-1a2b3c4d5e6f";

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
                "Router:Deployments:0 (azure-chat): AzureAuth must be 'api-key', 'bearer' or 'entra'.",
                "Router:Deployments:1 (openai): ApiVersion and AzureAuth are only used by provider 'azure'.",
            ],
            result.Failures);
    }

    [Fact]
    public void An_azure_deployment_needs_credentials()
    {
        var settings = Settings();
        settings.Remove("Router:Deployments:0:ApiKeyEnv");

        var (result, _) = Resolve(settings);

        Assert.Contains(result.Failures!, f => f.Contains("provider 'azure' needs credentials", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")]
    [InlineData("https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token", "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token")]
    public void Entra_client_credentials_resolve_with_the_public_clouds_token_endpoint_by_default(string? tokenUrl, string resolved)
    {
        var settings = EntraSettings();
        settings["Router:Deployments:0:TokenUrl"] = tokenUrl;

        var (result, deployment) = Resolve(settings);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal((null, false), (deployment.ApiKey, deployment.AzureBearer));
        var entra = deployment.Entra!;
        Assert.Equal(("contoso.onmicrosoft.com", ClientId, new Uri(resolved)), (entra.TenantId, entra.ClientId, entra.TokenUrl));
        Assert.DoesNotContain(EntraSecret, entra.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_entra_setting_is_reported_at_once_and_nowhere_else_may_they_be_set()
    {
        var settings = EntraSettings();
        settings["Router:Deployments:0:ApiKeyEnv"] = Variable;
        settings["Router:Deployments:0:EntraTenantId"] = "contoso/../evil";
        settings["Router:Deployments:0:EntraClientId"] = "my-app";
        settings["Router:Deployments:0:EntraClientSecretEnv"] = "AZURE_TEST_UNSET";
        settings["Router:Deployments:0:TokenUrl"] = "https://user:pw@login.example/token";
        settings["Router:Deployments:1:Name"] = "keyed";
        settings["Router:Deployments:1:Model"] = "m";
        settings["Router:Deployments:1:Provider"] = "azure";
        settings["Router:Deployments:1:BaseUrl"] = "https://contoso.openai.azure.com/";
        settings["Router:Deployments:1:ApiKeyEnv"] = Variable;
        settings["Router:Deployments:1:EntraTenantId"] = "contoso.onmicrosoft.com";
        settings["Router:Deployments:1:Api:0"] = "chat.completions";
        settings["Router:Deployments:2:Name"] = "openai";
        settings["Router:Deployments:2:Model"] = "m";
        settings["Router:Deployments:2:Provider"] = "openai";
        settings["Router:Deployments:2:BaseUrl"] = "https://api.openai.com/v1";
        settings["Router:Deployments:2:Api:0"] = "chat.completions";
        settings["Router:Deployments:2:EntraClientSecretEnv"] = SecretVariable;

        var (result, _) = Resolve(settings);

        Assert.Equal(
            [
                "Router:Deployments:0 (azure-chat): AzureAuth 'entra' obtains its tokens with the client secret: remove ApiKeyEnv.",
                "Router:Deployments:0 (azure-chat): AzureAuth 'entra' needs EntraTenantId, the directory (tenant) id or domain, such as contoso.onmicrosoft.com.",
                "Router:Deployments:0 (azure-chat): AzureAuth 'entra' needs EntraClientId, the application (client) id, a GUID.",
                "Router:Deployments:0 (azure-chat): the environment variable AZURE_TEST_UNSET named by EntraClientSecretEnv is not set.",
                "Router:Deployments:0 (azure-chat): TokenUrl must be an absolute http or https URL without user information, a query or a fragment.",
                "Router:Deployments:1 (keyed): EntraTenantId, EntraClientId, EntraClientSecretEnv and TokenUrl are only used with AzureAuth 'entra'.",
                "Router:Deployments:2 (openai): EntraTenantId, EntraClientId and EntraClientSecretEnv are only used by provider 'azure' with AzureAuth 'entra'.",
            ],
            result.Failures);
        Assert.DoesNotContain(result.Failures!, f => f.Contains(EntraSecret, StringComparison.Ordinal) || f.Contains("pw@", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> EntraSettings()
    {
        var settings = Settings();
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        settings[SecretVariable] = EntraSecret;
        settings["Router:Deployments:0:AzureAuth"] = "entra";
        settings["Router:Deployments:0:EntraTenantId"] = "contoso.onmicrosoft.com";
        settings["Router:Deployments:0:EntraClientId"] = ClientId;
        settings["Router:Deployments:0:EntraClientSecretEnv"] = SecretVariable;
        return settings;
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
        var result = new AzureOptionsValidator(configuration).Validate(null, options);
        return (result, new DeploymentCatalog(Options.Create(options), configuration).Deployments[0]);
    }
}
