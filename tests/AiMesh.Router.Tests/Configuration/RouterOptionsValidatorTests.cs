using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Configuration;

public sealed class RouterOptionsValidatorTests
{
    private const string Secret = "sk-secret-value-never-in-errors-123456";

    [Fact]
    public void Binds_the_documented_section()
    {
        var options = Bind(Settings());
        var deployment = Assert.Single(options.Deployments);
        Assert.Equal(
            ("mock-gpt", "gpt-4o-mini", "openai", "http://127.0.0.1:9100/v1", "mock-gpt", "MOCK_API_KEY", "aimesh"),
            (deployment.Name, deployment.Model, deployment.Provider, deployment.BaseUrl, deployment.UpstreamModel, deployment.ApiKeyEnv, deployment.OwnedBy));
        Assert.Equal("1", deployment.Headers["x-extra"]);
        Assert.Equal(["chat.completions"], deployment.Api);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeouts.Idle);
        Assert.True(Validate(Settings()).Succeeded);
    }

    [Fact]
    public void Reports_every_error_at_once_without_secret_values()
    {
        var settings = Settings();
        settings["Router:Timeouts:Idle"] = "00:00:00";
        settings["Router:Deployments:0:BaseUrl"] = "ftp://user:pass@host/v1?x=1";
        settings["Router:Deployments:0:ApiKeyEnv"] = "MISSING_VARIABLE";
        settings["Router:Deployments:1:Name"] = "mock-gpt";
        settings["Router:Deployments:1:Provider"] = "no-such-provider";
        settings["Router:Deployments:1:BaseUrl"] = "http://127.0.0.1:9100/v1";
        settings["Router:Deployments:2:Name"] = "groq";
        settings["Router:Deployments:2:Model"] = "llama";
        settings["Router:Deployments:2:Provider"] = "groq";
        settings["Router:Deployments:2:BaseUrl"] = "https://api.groq.com/openai/v1";
        settings["Router:Deployments:2:Api:0"] = "images";
        settings["Router:Deployments:2:Headers:Authorization"] = "Bearer " + Secret;
        settings["Router:Deployments:2:Headers:x-api-key"] = Secret;

        var result = Validate(settings);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        string[] expected =
        [
            "Timeouts:Idle",
            "Deployments:0 (mock-gpt): BaseUrl must be an absolute http or https URL",
            "MISSING_VARIABLE named by ApiKeyEnv is not set",
            "Deployments:1 (mock-gpt): Name 'mock-gpt' is used by an earlier deployment",
            "Deployments:1 (mock-gpt): Model is required",
            "Provider 'no-such-provider' is not one of",
            "Deployments:1 (mock-gpt): Api must list",
            "Api 'images' is not served by the openai adapter",
            "Headers must not carry credentials (Authorization)",
            "Headers must not carry credentials (x-api-key)",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, errors.Count);
        Assert.DoesNotContain(errors, e => e.Contains(Secret, StringComparison.Ordinal) || e.Contains("pass", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_server_needs_no_key_and_a_missing_upstream_model_defaults_to_the_model()
    {
        var settings = Settings();
        settings["Router:Deployments:0:Provider"] = "vllm";
        settings.Remove("Router:Deployments:0:ApiKeyEnv");
        settings.Remove("Router:Deployments:0:UpstreamModel");
        settings.Remove("Router:Deployments:0:OwnedBy");
        Assert.True(Validate(settings).Succeeded);

        var catalog = new DeploymentCatalog(Options.Create(Bind(settings)), Configuration(settings));
        var deployment = Assert.Single(catalog.Deployments);
        Assert.Null(deployment.ApiKey);
        Assert.Equal("gpt-4o-mini", deployment.UpstreamModel);
        Assert.Equal("vllm", deployment.OwnedBy);
        Assert.Equal(new Uri("http://127.0.0.1:9100/v1/"), deployment.BaseUrl);
    }

    [Fact]
    public void The_catalog_reads_the_key_from_the_named_variable_and_never_prints_it()
    {
        var settings = Settings();
        var catalog = new DeploymentCatalog(Options.Create(Bind(settings)), Configuration(settings));
        var deployment = Assert.Single(catalog.Deployments);
        Assert.Equal(Secret, deployment.ApiKey!.Reveal());
        Assert.DoesNotContain(Secret, deployment.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_credential_needs_a_master_key_an_api_key_provider_and_no_environment_variable_beside_it()
    {
        var both = Settings();
        both["Router:Deployments:0:ApiKeyCredential"] = "openai-prod";
        var noKey = Settings();
        noKey.Remove("Router:Deployments:0:ApiKeyEnv");
        noKey["Router:Deployments:0:ApiKeyCredential"] = "openai-prod";
        var withKey = new Dictionary<string, string?>(noKey) { ["AIMESH_MASTER_KEY"] = Convert.ToBase64String(new byte[32]) };
        var ring = AiMesh.Hosting.Secrets.MasterKeyRing.FromKeys(Convert.ToBase64String(new byte[32]));
        var bedrock = new Dictionary<string, string?>(withKey) { ["Router:Deployments:0:Provider"] = "bedrock" };

        var bothResult = Validate(both, ring);
        var noKeyResult = Validate(noKey);
        var withKeyResult = Validate(withKey, ring);
        var bedrockResult = new RouterOptionsValidator(Configuration(bedrock), new ProviderAdapters([new OpenAiAdapter(), new AiMesh.Router.Providers.Bedrock.BedrockAdapter(TimeProvider.System)]), ring)
            .Validate(null, Bind(bedrock));

        Assert.Contains("set ApiKeyEnv or ApiKeyCredential, not both", bothResult.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeyCredential needs the master key", noKeyResult.FailureMessage, StringComparison.Ordinal);
        Assert.True(withKeyResult.Succeeded, withKeyResult.FailureMessage);
        Assert.Contains("ApiKeyCredential is for API keys", bedrockResult.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_catalog_is_valid()
    {
        Assert.True(Validate([]).Succeeded);
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["MOCK_API_KEY"] = Secret,
        ["Router:Timeouts:Connect"] = "00:00:05",
        ["Router:Timeouts:FirstByte"] = "00:01:00",
        ["Router:Timeouts:Idle"] = "00:00:30",
        ["Router:Timeouts:Total"] = "00:10:00",
        ["Router:Deployments:0:Name"] = "mock-gpt",
        ["Router:Deployments:0:Model"] = "gpt-4o-mini",
        ["Router:Deployments:0:Provider"] = "openai",
        ["Router:Deployments:0:BaseUrl"] = "http://127.0.0.1:9100/v1",
        ["Router:Deployments:0:UpstreamModel"] = "mock-gpt",
        ["Router:Deployments:0:ApiKeyEnv"] = "MOCK_API_KEY",
        ["Router:Deployments:0:Headers:x-extra"] = "1",
        ["Router:Deployments:0:Api:0"] = "chat.completions",
        ["Router:Deployments:0:OwnedBy"] = "aimesh",
    };

    internal static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    internal static RouterOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new RouterOptions();
        Configuration(settings).GetSection(RouterOptions.Section).Bind(options);
        return options;
    }

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings, AiMesh.Hosting.Secrets.MasterKeyRing? ring = null) =>
        new RouterOptionsValidator(Configuration(settings), new ProviderAdapters([new OpenAiAdapter()]), ring).Validate(null, Bind(settings));
}
