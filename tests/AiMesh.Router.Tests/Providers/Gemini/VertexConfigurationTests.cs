using System.Security.Cryptography;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.Gemini;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class VertexConfigurationTests : IDisposable
{
    private const string Variable = "VERTEX_SA";

    private readonly RSA key = RSA.Create(2048);

    [Fact]
    public void A_complete_deployment_is_valid_and_resolves_with_its_project_region_account_and_default_endpoint()
    {
        var settings = Settings(TestKeys.ServiceAccountJson(key));
        var options = PostConfigured(settings);

        Assert.True(Validate(settings, options).Succeeded);
        var deployment = Assert.Single(new DeploymentCatalog(Options.Create(options), Configuration(settings)).Deployments);
        Assert.Equal(new Uri("https://europe-west4-aiplatform.googleapis.com/v1/"), deployment.BaseUrl);
        Assert.Equal(("proj-1", "europe-west4", new Uri("https://oauth2.googleapis.com/token")), (deployment.Project, deployment.Region, deployment.TokenUrl));
        Assert.Equal(TestKeys.ClientEmail, deployment.ServiceAccount!.ClientEmail);
        Assert.DoesNotContain("PRIVATE KEY", deployment.ToString(), StringComparison.Ordinal);
        Assert.Null(deployment.ApiKey);
    }

    [Theory]
    [InlineData("global", "https://aiplatform.googleapis.com/v1")]
    [InlineData("us-central1", "https://us-central1-aiplatform.googleapis.com/v1")]
    public void The_default_endpoint_follows_the_region(string region, string baseUrl)
    {
        var settings = Settings(TestKeys.ServiceAccountJson(key));
        settings["Router:Deployments:0:Region"] = region;
        Assert.Equal(baseUrl, PostConfigured(settings).Deployments[0].BaseUrl);
    }

    [Fact]
    public void A_configured_base_url_is_kept()
    {
        var settings = Settings(TestKeys.ServiceAccountJson(key));
        settings["Router:Deployments:0:BaseUrl"] = "http://127.0.0.1:9100/v1";
        Assert.Equal("http://127.0.0.1:9100/v1", PostConfigured(settings).Deployments[0].BaseUrl);
    }

    [Fact]
    public void The_variable_may_name_the_key_file_instead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aimesh-sa-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, TestKeys.ServiceAccountJson(key));
        try
        {
            var settings = Settings(path);
            Assert.True(Validate(settings, PostConfigured(settings)).Succeeded);
            Assert.Equal(TestKeys.ClientEmail, GoogleServiceAccount.Resolve(Variable, Configuration(settings))!.ClientEmail);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reports_every_vertex_problem_at_once_without_any_value()
    {
        var json = TestKeys.ServiceAccountJson(key, tokenUri: "https://evil.example/token");
        var settings = Settings(json);
        settings.Remove("Router:Deployments:0:Project");
        settings["Router:Deployments:0:Region"] = "Europe West/../x";
        settings["Router:Deployments:0:ApiKeyEnv"] = "SOME_KEY";
        settings["Router:Deployments:0:TokenUrl"] = "https://oauth2.googleapis.com/token?x=1";
        settings["Router:Deployments:1:Name"] = "vertex-2";
        settings["Router:Deployments:1:Provider"] = "vertex";
        settings["Router:Deployments:1:Project"] = "p";
        settings["Router:Deployments:1:Region"] = "us-east1";
        settings["Router:Deployments:2:Name"] = "vertex-3";
        settings["Router:Deployments:2:Provider"] = "vertex";
        settings["Router:Deployments:2:Project"] = "p";
        settings["Router:Deployments:2:Region"] = "us-east1";
        settings["Router:Deployments:2:ServiceAccountEnv"] = "MISMATCHED_SA";
        settings["MISMATCHED_SA"] = json;

        var errors = Validate(settings, PostConfigured(settings)).Failures!.ToList();

        string[] expected =
        [
            "Deployments:0 (vertex-chat): provider 'vertex' needs Project",
            "Deployments:0 (vertex-chat): provider 'vertex' needs Region",
            "Deployments:0 (vertex-chat): provider 'vertex' authenticates with a service account",
            "Deployments:0 (vertex-chat): TokenUrl must be",
            "Deployments:1 (vertex-2): provider 'vertex' needs ServiceAccountEnv",
            "Deployments:2 (vertex-3): the service-account key's token_uri is not the deployment's TokenUrl",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, errors.Count);
        Assert.DoesNotContain(errors, e => e.Contains("PRIVATE KEY", StringComparison.Ordinal) || e.Contains("evil", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_a_vertex_deployment_may_name_a_service_account()
    {
        var settings = Settings(TestKeys.ServiceAccountJson(key));
        settings["Router:Deployments:0:Provider"] = "gemini";
        var error = Assert.Single(Validate(settings, PostConfigured(settings)).Failures!);
        Assert.Contains("ServiceAccountEnv and TokenUrl are only used by provider 'vertex'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "does not name a readable service-account key file")]
    [InlineData("{\"type\":\"authorized_user\",\"client_email\":\"a\",\"private_key\":\"b\"}", "does not hold a service-account key")]
    [InlineData("{\"type\":\"service_account\",\"client_email\":\"a\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"}", "is not an RSA key in PEM form")]
    [InlineData("{broken", "does not hold a service-account key")]
    public void Says_what_is_wrong_with_the_key_without_repeating_it(string value, string problem)
    {
        var settings = Settings(value);
        var error = Assert.Single(Validate(settings, PostConfigured(settings)).Failures!);
        Assert.Contains($"the environment variable {Variable} named by ServiceAccountEnv ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_router_with_a_broken_vertex_deployment_does_not_start_and_reports_it_with_the_other_errors()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings.Remove(RouterHost.KeyVariable);
        settings["Router:Deployments:2:Name"] = "vertex-broken";
        settings["Router:Deployments:2:Model"] = "vertex-model";
        settings["Router:Deployments:2:Provider"] = "vertex";
        settings["Router:Deployments:2:Region"] = "us-central1";
        settings["Router:Deployments:2:Api:0"] = "chat.completions";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains(RouterHost.KeyVariable, StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Deployments:2 (vertex-broken): provider 'vertex' needs Project", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Deployments:2 (vertex-broken): provider 'vertex' needs ServiceAccountEnv", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("BaseUrl", StringComparison.Ordinal));
    }

    public void Dispose() => key.Dispose();

    private static Dictionary<string, string?> Settings(string serviceAccount) => new()
    {
        [Variable] = serviceAccount,
        ["Router:Deployments:0:Name"] = "vertex-chat",
        ["Router:Deployments:0:Model"] = "gemini",
        ["Router:Deployments:0:Provider"] = "vertex",
        ["Router:Deployments:0:UpstreamModel"] = "gemini-2.5-flash",
        ["Router:Deployments:0:Project"] = "proj-1",
        ["Router:Deployments:0:Region"] = "europe-west4",
        ["Router:Deployments:0:ServiceAccountEnv"] = Variable,
        ["Router:Deployments:0:Api:0"] = "chat.completions",
    };

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static RouterOptions PostConfigured(Dictionary<string, string?> settings)
    {
        var options = new RouterOptions();
        Configuration(settings).GetSection(RouterOptions.Section).Bind(options);
        new VertexDefaults().PostConfigure(null, options);
        return options;
    }

    private static ValidateOptionsResult Validate(Dictionary<string, string?> settings, RouterOptions options) =>
        new VertexOptionsValidator(Configuration(settings)).Validate(null, options);
}
