using System.Security.Cryptography;
using System.Text.Json;
using AiMesh.MockProvider;

namespace AiMesh.Router.Tests.Support;

/// <summary>
/// The mock provider on a real socket, trusting a service-account key made at run time, and a router host with Google
/// deployments against it: <c>gemini-public</c> (Gemini API, <c>gemini-2.5-flash</c>), <c>gemini3-public</c> (Gemini API,
/// <c>gemini-3-pro</c>, which insists on thought signatures), <c>gemini-embed</c>, and <c>vertex-public</c> (Vertex AI,
/// chat and embeddings, tokens from the mock's token endpoint).
/// </summary>
internal sealed class GoogleMesh : IAsyncDisposable
{
    public const string Key = "AIzaSyRouterTest-0123456789abcdefghijk";
    public const string KeyVariable = "ROUTER_TESTS_GEMINI_KEY";
    public const string ServiceAccountVariable = "ROUTER_TESTS_VERTEX_SA";
    public const string VertexPath = "/v1/projects/mesh-project/locations/us-central1/publishers/google/models/";

    private readonly RSA serviceAccountKey;

    private GoogleMesh(MockProviderHandle mock, RouterHost router, RSA serviceAccountKey, string serviceAccountJson)
    {
        Mock = mock;
        Router = router;
        this.serviceAccountKey = serviceAccountKey;
        ServiceAccountJson = serviceAccountJson;
    }

    public MockProviderHandle Mock { get; }

    public RouterHost Router { get; }

    /// <summary>The key file's JSON, private key included: it must appear in no log and no message.</summary>
    public string ServiceAccountJson { get; }

    /// <param name="scenario">A mock spec applied to every model call (not to the token endpoint).</param>
    /// <param name="tokenScenario">A mock spec applied to the token endpoint only.</param>
    public static async Task<GoogleMesh> StartAsync(string? scenario = null, string? tokenScenario = null, Action<Dictionary<string, string?>>? configure = null)
    {
        var key = RSA.Create(2048);
        var mock = await MockProviderServer.StartAsync(new MockProviderOptions { ServiceAccountPublicKeyPem = key.ExportSubjectPublicKeyInfoPem() });
        RouterHost? router = null;
        try
        {
            var root = scenario is null ? mock.BaseAddress : mock.ScenarioAddress(scenario);
            var tokenUrl = new Uri(tokenScenario is null ? mock.BaseAddress : mock.ScenarioAddress(tokenScenario), "token").ToString();
            var serviceAccount = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["type"] = "service_account",
                ["project_id"] = "mesh-project",
                ["private_key_id"] = "k1",
                ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
                ["client_email"] = "router-tests@mesh-project.iam.gserviceaccount.com",
                ["token_uri"] = tokenUrl,
            });
            var settings = new Dictionary<string, string?>
            {
                [KeyVariable] = Key,
                [ServiceAccountVariable] = serviceAccount,
                ["Router:Timeouts:Connect"] = "00:00:05",
                ["Router:Timeouts:FirstByte"] = "00:00:20",
                ["Router:Timeouts:Idle"] = "00:00:20",
                ["Router:Timeouts:Total"] = "00:01:00",
                ["Router:Deployments:0:Name"] = "gemini-chat",
                ["Router:Deployments:0:Model"] = "gemini-public",
                ["Router:Deployments:0:Provider"] = "gemini",
                ["Router:Deployments:0:BaseUrl"] = new Uri(root, "v1beta").ToString(),
                ["Router:Deployments:0:UpstreamModel"] = "gemini-2.5-flash",
                ["Router:Deployments:0:ApiKeyEnv"] = KeyVariable,
                ["Router:Deployments:0:Api:0"] = "chat.completions",
                ["Router:Deployments:1:Name"] = "gemini3-chat",
                ["Router:Deployments:1:Model"] = "gemini3-public",
                ["Router:Deployments:1:Provider"] = "gemini",
                ["Router:Deployments:1:BaseUrl"] = new Uri(root, "v1beta").ToString(),
                ["Router:Deployments:1:UpstreamModel"] = "gemini-3-pro",
                ["Router:Deployments:1:ApiKeyEnv"] = KeyVariable,
                ["Router:Deployments:1:Api:0"] = "chat.completions",
                ["Router:Deployments:2:Name"] = "gemini-embeddings",
                ["Router:Deployments:2:Model"] = "gemini-embed",
                ["Router:Deployments:2:Provider"] = "gemini",
                ["Router:Deployments:2:BaseUrl"] = new Uri(root, "v1beta").ToString(),
                ["Router:Deployments:2:UpstreamModel"] = "text-embedding-004",
                ["Router:Deployments:2:ApiKeyEnv"] = KeyVariable,
                ["Router:Deployments:2:Api:0"] = "embeddings",
                ["Router:Deployments:3:Name"] = "vertex-chat",
                ["Router:Deployments:3:Model"] = "vertex-public",
                ["Router:Deployments:3:Provider"] = "vertex",
                ["Router:Deployments:3:BaseUrl"] = new Uri(root, "v1").ToString(),
                ["Router:Deployments:3:UpstreamModel"] = "gemini-2.5-flash",
                ["Router:Deployments:3:Project"] = "mesh-project",
                ["Router:Deployments:3:Region"] = "us-central1",
                ["Router:Deployments:3:ServiceAccountEnv"] = ServiceAccountVariable,
                ["Router:Deployments:3:TokenUrl"] = tokenUrl,
                ["Router:Deployments:3:Api:0"] = "chat.completions",
                ["Router:Deployments:3:Api:1"] = "embeddings",
            };
            configure?.Invoke(settings);
            router = await RouterHost.StartAsync(settings);
            return new GoogleMesh(mock, router, key, serviceAccount);
        }
        finally
        {
            if (router is null)
            {
                await mock.DisposeAsync();
                key.Dispose();
            }
        }
    }

    /// <summary>The private key's base64 body, as it would appear in a leak.</summary>
    public string PrivateKeyBody() => Convert.ToBase64String(serviceAccountKey.ExportPkcs8PrivateKey())[..64];

    public static Contracts.Routing.RouteCompletion Embeddings(string body, string model) => new(
        Guid.NewGuid(), "embeddings", model, body, false, null, DateTimeOffset.UtcNow.AddMinutes(1), "principal-1");

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Mock.DisposeAsync();
        serviceAccountKey.Dispose();
    }
}
