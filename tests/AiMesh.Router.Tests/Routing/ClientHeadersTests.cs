using AiMesh.Router.Routing;
using AiMesh.Router.Tests.Providers.Anthropic;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Routing;

public sealed class ClientHeadersTests
{
    private static readonly Dictionary<string, string> Beta = new() { ["anthropic-beta"] = "prompt-caching-2024-07-31, files-api-2025-04-14" };

    [Fact]
    public void The_clients_anthropic_beta_reaches_an_anthropic_deployment_and_its_request()
    {
        var deployment = ClientHeaders.ForCall(AnthropicCalls.Deployment(), Beta);

        Assert.Equal("prompt-caching-2024-07-31,files-api-2025-04-14", deployment.Headers["anthropic-beta"]);
        using var request = AnthropicCalls.Adapter.BuildRequest(AnthropicCalls.Call("""{"model":"claude-public","messages":[{"role":"user","content":"hi"}]}""", deployment: deployment));
        Assert.Equal("prompt-caching-2024-07-31,files-api-2025-04-14", string.Join(",", request.Headers.GetValues("anthropic-beta")));
    }

    [Fact]
    public void It_joins_the_deployments_own_betas_each_name_once()
    {
        var configured = AnthropicCalls.Deployment(new Dictionary<string, string> { ["anthropic-beta"] = "files-api-2025-04-14,context-1m-2025-08-07" });

        var deployment = ClientHeaders.ForCall(configured, Beta);

        Assert.Equal("files-api-2025-04-14,context-1m-2025-08-07,prompt-caching-2024-07-31", deployment.Headers["anthropic-beta"]);
        Assert.Equal("files-api-2025-04-14,context-1m-2025-08-07", configured.Headers["anthropic-beta"]);
    }

    [Fact]
    public void Other_providers_and_calls_without_client_headers_keep_their_deployment_as_it_is()
    {
        var openAi = TestDeployments.Create();
        var anthropic = AnthropicCalls.Deployment();

        Assert.Same(openAi, ClientHeaders.ForCall(openAi, Beta));
        Assert.Same(anthropic, ClientHeaders.ForCall(anthropic, null));
        Assert.Same(anthropic, ClientHeaders.ForCall(anthropic, new Dictionary<string, string> { ["x-other"] = "1" }));
    }
}
