using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Bedrock;
using AiMesh.Router.Providers.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class BedrockOptionsTests
{
    private const string Secret = "bedrock-secret-value-never-in-errors";

    [Fact]
    public void Derives_the_endpoint_from_the_region_and_falls_back_to_the_standard_aws_variables()
    {
        var catalog = Catalog(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDSTANDARD",
            ["AWS_SECRET_ACCESS_KEY"] = Secret,
            ["AWS_SESSION_TOKEN"] = "standard-token",
            ["Router:Deployments:0:Name"] = "claude",
            ["Router:Deployments:0:Model"] = "claude",
            ["Router:Deployments:0:Provider"] = "bedrock",
            ["Router:Deployments:0:Region"] = "eu-west-3",
            ["Router:Deployments:0:Api:0"] = "chat.completions",
        });

        var deployment = Assert.Single(catalog.Deployments);
        Assert.Equal(new Uri("https://bedrock-runtime.eu-west-3.amazonaws.com/"), deployment.BaseUrl);
        Assert.Equal("eu-west-3", deployment.Region);
        Assert.Equal(("AKIDSTANDARD", Secret, "standard-token"),
            (deployment.AwsCredentials!.AccessKeyId, deployment.AwsCredentials.SecretAccessKey.Reveal(), deployment.AwsCredentials.SessionToken!.Reveal()));
    }

    [Fact]
    public void Named_variables_win_and_a_base_url_overrides_the_endpoint()
    {
        var catalog = Catalog(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDSTANDARD",
            ["AWS_SECRET_ACCESS_KEY"] = "standard",
            ["MY_KEY_ID"] = "AKIDNAMED",
            ["MY_SECRET"] = Secret,
            ["Router:Deployments:0:Name"] = "claude",
            ["Router:Deployments:0:Model"] = "claude",
            ["Router:Deployments:0:Provider"] = "bedrock",
            ["Router:Deployments:0:Region"] = "us-west-2",
            ["Router:Deployments:0:BaseUrl"] = "http://127.0.0.1:9100",
            ["Router:Deployments:0:AwsAccessKeyIdEnv"] = "MY_KEY_ID",
            ["Router:Deployments:0:AwsSecretAccessKeyEnv"] = "MY_SECRET",
            ["Router:Deployments:0:Api:0"] = "chat.completions",
        });

        var deployment = Assert.Single(catalog.Deployments);
        Assert.Equal(new Uri("http://127.0.0.1:9100/"), deployment.BaseUrl);
        Assert.Equal(("AKIDNAMED", (object?)null), (deployment.AwsCredentials!.AccessKeyId, (object?)deployment.AwsCredentials.SessionToken));
    }

    [Fact]
    public void Reports_a_missing_region_and_missing_variables_at_once_without_values()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Catalog(new()
        {
            ["MY_KEY_ID"] = "AKIDNAMED",
            ["Router:Deployments:0:Name"] = "claude",
            ["Router:Deployments:0:Model"] = "claude",
            ["Router:Deployments:0:Provider"] = "bedrock",
            ["Router:Deployments:0:Region"] = "Not A Region",
            ["Router:Deployments:0:AwsAccessKeyIdEnv"] = "MY_KEY_ID",
            ["Router:Deployments:0:AwsSecretAccessKeyEnv"] = "MISSING_SECRET",
            ["Router:Deployments:0:AwsSessionTokenEnv"] = "MISSING_TOKEN",
            ["Router:Deployments:0:Api:0"] = "chat.completions",
        }));

        var failures = error.Failures.ToList();
        Assert.Contains(failures, f => f.Contains("BaseUrl must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("(claude): provider 'bedrock' needs Region", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MISSING_SECRET named by AwsSecretAccessKeyEnv is not set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MISSING_TOKEN named by AwsSessionTokenEnv is not set", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("AKIDNAMED", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_any_credentials_the_standard_variables_are_required()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Catalog(new()
        {
            ["Router:Deployments:0:Name"] = "claude",
            ["Router:Deployments:0:Model"] = "claude",
            ["Router:Deployments:0:Provider"] = "bedrock",
            ["Router:Deployments:0:Region"] = "us-east-1",
            ["Router:Deployments:0:Api:0"] = "chat.completions",
        }));

        Assert.Contains(error.Failures, f => f.Contains("AWS_ACCESS_KEY_ID named by AwsAccessKeyIdEnv is not set", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AWS_SECRET_ACCESS_KEY named by AwsSecretAccessKeyEnv is not set", StringComparison.Ordinal));
    }

    private static DeploymentCatalog Catalog(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<RouterOptions>().Bind(configuration.GetSection(RouterOptions.Section));
        services.AddSingleton(new ProviderAdapters([new OpenAiAdapter(), new BedrockAdapter(TimeProvider.System)]));
        services.AddSingleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<RouterOptions>, BedrockDeploymentDefaults>();
        services.AddSingleton<IValidateOptions<RouterOptions>, BedrockOptionsValidator>();
        services.AddSingleton<DeploymentCatalog>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<DeploymentCatalog>();
    }
}
