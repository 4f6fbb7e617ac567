using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.MockProvider;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Support.JsonAssert;

namespace AiMesh.Router.Tests.Bus;

/// <summary>
/// The router on the bus with <c>azure</c> deployments against the mock provider's Azure OpenAI paths on a real
/// socket: what Azure (the mock) received — the deployment URL with its api-version, the key's header, the body — and
/// what the client gets: OpenAI's shapes without Azure's filter annotations, the client's model name, Azure's errors
/// as every provider's.
/// </summary>
public sealed class AzureRouteTests
{
    private const string Model = "azure-gpt";
    private const string ChatPath = "/openai/deployments/gpt4o-prod/chat/completions";
    private const string EntraTenant = "mesh-tenant.onmicrosoft.com";
    private const string EntraTokenPath = "/" + EntraTenant + "/oauth2/v2.0/token";
    private const string EntraSecretVariable = "ROUTER_TESTS_ENTRA_SECRET";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // The client credentials the mock's Entra ID endpoint accepts (its defaults: test values, never real ones).
    private static readonly MockProviderOptions MockCredentials = new();

    [Fact]
    public async Task A_chat_completion_goes_to_the_deployment_url_with_the_api_key_and_comes_back_without_filter_annotations()
    {
        await using var mesh = await StartAsync("tokens=4");
        const string body = """{"model":"azure-gpt","temperature":0.2,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""";

        var (routed, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

        Assert.Null(failed);
        Assert.Equal(("mock-azure", "azure"), (routed!.Deployment, routed.Provider));
        var answer = JsonNode.Parse(routed.Body!)!.AsObject();
        Assert.Equal(("chat.completion", Model), ((string?)answer["object"], (string?)answer["model"]));
        Assert.False(answer.ContainsKey("prompt_filter_results"));
        var choice = answer["choices"]![0]!.AsObject();
        Assert.False(choice.ContainsKey("content_filter_results"));
        Assert.Equal(("This is a deterministic", "stop"), ((string?)choice["message"]!["content"], (string?)choice["finish_reason"]));
        Assert.Equal(new TokenUsage(3, 4, CachedTokens: 0, ReasoningTokens: 0), routed.Usage);

        var recorded = await Recorded(mesh, ChatPath);
        Assert.Equal("?api-version=2024-10-21", recorded.Query);
        Assert.Equal(RouterHost.Key, recorded.Headers["api-key"]);
        Assert.False(recorded.Headers.ContainsKey("authorization"));
        AssertJson("""{"temperature":0.2,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""", recorded.Body);
    }

    [Fact]
    public async Task A_stream_skips_azures_prompt_filter_chunk_and_ends_with_the_usage_chunk_the_client_asked_for()
    {
        await using var mesh = await StartAsync("tokens=4");
        var request = RouterHost.Chat(
            """{"model":"azure-gpt","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""",
            stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // Role chunk, four content chunks, finish chunk, usage chunk; Azure's opening prompt-filter chunk is not among them.
        Assert.Equal(7, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!.AsObject()).ToList();
        Assert.All(chunks, c => Assert.Equal(Model, (string?)c["model"]));
        Assert.All(chunks, c => Assert.StartsWith("chatcmpl-mock-", (string?)c["id"], StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.DoesNotContain("filter_results", c.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("This is a deterministic", string.Concat(chunks[1..5].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[5]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[6]["choices"]!.AsArray());
        Assert.Equal(4, (int)chunks[6]["usage"]!["completion_tokens"]!);

        var sent = JsonNode.Parse((await Recorded(mesh, ChatPath)).Body)!;
        Assert.True((bool)sent["stream"]!);
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task A_streamed_tool_call_keeps_its_id_name_and_argument_pieces()
    {
        await using var mesh = await StartAsync();
        var request = RouterHost.Chat("""
            {"model":"azure-gpt","stream":true,"messages":[{"role":"user","content":"please use a tool"}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}
            """, stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var deltas = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed!.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!["choices"]![0]!).ToList();
        var calls = deltas.Where(d => d["delta"]?["tool_calls"] is not null).Select(d => d["delta"]!["tool_calls"]![0]!).ToList();
        Assert.Equal(("call_mock_1", "function", "lookup"), ((string?)calls[0]["id"], (string?)calls[0]["type"], (string?)calls[0]["function"]!["name"]));
        Assert.Equal("""{"mock":true}""", string.Concat(calls.Select(c => (string?)c["function"]!["arguments"])));
        Assert.Equal("tool_calls", (string?)deltas[^1]["finish_reason"]);
        Assert.Equal("assistant", (string?)deltas[0]["delta"]!["role"]);
    }

    [Fact]
    public async Task The_v1_surface_with_an_entra_token_names_the_model_in_the_body_and_sends_a_bearer_token()
    {
        await using var mesh = await StartAsync(configure: s =>
        {
            s["Router:Deployments:2:ApiVersion"] = "v1";
            s["Router:Deployments:2:AzureAuth"] = "bearer";
        });

        var (routed, failed) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Null(failed);
        Assert.Equal(Model, (string?)JsonNode.Parse(routed!.Body!)!["model"]);
        var recorded = await Recorded(mesh, "/openai/v1/chat/completions");
        Assert.Equal("", recorded.Query);
        Assert.Equal("Bearer " + RouterHost.Key, recorded.Headers["authorization"]);
        Assert.False(recorded.Headers.ContainsKey("api-key"));
        Assert.Equal("gpt4o-prod", (string?)JsonNode.Parse(recorded.Body)!["model"]);
    }

    [Fact]
    public async Task With_entra_the_router_exchanges_the_client_credentials_once_and_sends_only_the_token_to_azure()
    {
        await using var mesh = await StartAsync(configure: s => UseEntra(s, tokenScenario: null));

        var (first, failedFirst) = await RouteChecks.AskAsync(mesh, Model);
        var (second, failedSecond) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Equal((null, null), (failedFirst, failedSecond));
        Assert.Equal((200, 200), (first!.Status, second!.Status));
        var recorded = mesh.Mock.Recorder.Snapshot();
        Assert.Equal([EntraTokenPath, ChatPath, ChatPath], recorded.Select(r => r.Path));

        // The client credentials went to the token endpoint only, as a form; the token went to Azure only.
        var exchange = recorded[0];
        var form = System.Web.HttpUtility.ParseQueryString(exchange.Body);
        Assert.Equal(
            ("client_credentials", MockCredentials.EntraClientId, MockCredentials.EntraClientSecret, "https://cognitiveservices.azure.com/.default"),
            (form["grant_type"], form["client_id"], form["client_secret"], form["scope"]));
        Assert.Equal("application/x-www-form-urlencoded", exchange.Headers["content-type"]);
        Assert.False(exchange.Headers.ContainsKey("authorization"));
        var bearer = recorded[1].Headers["authorization"];
        Assert.StartsWith("Bearer " + AiMesh.MockProvider.Azure.EntraMockState.TokenPrefix, bearer, StringComparison.Ordinal);
        Assert.Equal(bearer, recorded[2].Headers["authorization"]);
        Assert.All(recorded.Skip(1), r => Assert.False(r.Headers.ContainsKey("api-key")));
        Assert.All(recorded.Skip(1), r => Assert.DoesNotContain(MockCredentials.EntraClientSecret, string.Concat(r.Headers.Values) + r.Body, StringComparison.Ordinal));

        string[] secrets = [MockCredentials.EntraClientSecret, bearer["Bearer ".Length..]];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(mesh.Router.Tap.Seen, m => m.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_refused_entra_exchange_is_a_502_that_repeats_nothing_entra_said_and_calls_no_model()
    {
        await using var mesh = await StartAsync(configure: s => UseEntra(s, tokenScenario: "status=401"));

        var (_, failed) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Equal((502, "upstream_auth_failed", 0), (failed!.Status, failed.Code, failed.Attempts));
        Assert.DoesNotContain("AADSTS", failed.Message, StringComparison.Ordinal);
        Assert.Equal([EntraTokenPath], mesh.Mock.Recorder.Snapshot().Select(r => r.Path));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3030]", StringComparison.Ordinal) && l.Contains("status 401", StringComparison.Ordinal));
        Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains("AADSTS", StringComparison.Ordinal) || l.Contains(MockCredentials.EntraClientSecret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("status=429;retryAfter=7", "hi", 429, "rate_limit_exceeded", 7)]
    [InlineData("status=401", "hi", 502, "upstream_auth_failed", null)]
    [InlineData("status=404", "hi", 404, "DeploymentNotFound", null)]
    [InlineData(null, "filter: something the policy blocks", 400, "content_filter", null)]
    [InlineData(null, "toolong: a very long prompt", 400, "context_length_exceeded", null)]
    public async Task An_azure_error_means_what_it_means_for_every_provider(string? scenario, string prompt, int status, string code, int? retryAfter)
    {
        await using var mesh = await StartAsync(scenario);

        await RouteChecks.FailsAsAsync(mesh, Model, prompt, status, code, retryAfter);
    }

    [Fact]
    public async Task A_content_filter_finish_is_passed_on_as_openais_finish_reason()
    {
        await using var mesh = await StartAsync("finish=content_filter");

        var (routed, failed) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Null(failed);
        Assert.Equal("content_filter", (string?)JsonNode.Parse(routed!.Body!)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_stream_cut_mid_way_fails_as_truncated_without_an_invented_finish()
    {
        await using var mesh = await StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat("""{"model":"azure-gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        await RouteChecks.CutStreamFailsAsTruncatedAsync(mesh, request, ChatPath);
    }

    [Fact]
    public async Task Embeddings_go_to_the_embeddings_deployment_and_answer_with_the_public_model()
    {
        await using var mesh = await StartAsync(configure: s =>
        {
            DeploymentSettings.Add(s, 3, "mock-azure-embed", "azure-embed", "azure", DeploymentSettings.MockRoot(s), "embed-prod", "embeddings");
            s["Router:Deployments:3:ApiVersion"] = "2025-04-01-preview";
        });
        var request = RouterHost.Chat("""{"model":"azure-embed","input":["one","two"],"dimensions":4}""", stream: false, model: "azure-embed") with { Api = "embeddings" };

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var answer = JsonNode.Parse(routed!.Body!)!;
        Assert.Equal(("list", "azure-embed", 2), ((string?)answer["object"], (string?)answer["model"], answer["data"]!.AsArray().Count));
        Assert.Equal(4, answer["data"]![1]!["embedding"]!.AsArray().Count);
        Assert.Equal(2, routed.Usage!.PromptTokens);
        var recorded = await Recorded(mesh, "/openai/deployments/embed-prod/embeddings");
        Assert.Equal("?api-version=2025-04-01-preview", recorded.Query);
        AssertJson("""{"input":["one","two"],"dimensions":4}""", recorded.Body);
    }

    /// <summary>Makes the <c>azure-gpt</c> deployment an <c>AzureAuth: entra</c> one with the mock's client credentials and token endpoint.</summary>
    private static void UseEntra(Dictionary<string, string?> settings, string? tokenScenario)
    {
        var root = DeploymentSettings.MockRoot(settings);
        settings.Remove("Router:Deployments:2:ApiKeyEnv");
        settings[EntraSecretVariable] = MockCredentials.EntraClientSecret;
        settings["Router:Deployments:2:AzureAuth"] = "entra";
        settings["Router:Deployments:2:EntraTenantId"] = EntraTenant;
        settings["Router:Deployments:2:EntraClientId"] = MockCredentials.EntraClientId;
        settings["Router:Deployments:2:EntraClientSecretEnv"] = EntraSecretVariable;
        settings["Router:Deployments:2:TokenUrl"] = root + (tokenScenario is null ? "" : $"s/{Uri.EscapeDataString(tokenScenario)}/") + EntraTokenPath[1..];
    }

    /// <summary>The mesh with a third deployment, <c>azure-gpt</c> on the mock's Azure paths (with the scenario, if any).</summary>
    private static Task<RouterMesh> StartAsync(string? scenario = null, Action<Dictionary<string, string?>>? configure = null) =>
        RouterMesh.StartAsync(scenario, settings =>
        {
            DeploymentSettings.Add(settings, 2, "mock-azure", Model, "azure", DeploymentSettings.MockRoot(settings), "gpt4o-prod", "chat.completions");
            configure?.Invoke(settings);
        });

    private static Task<RecordedRequest> Recorded(RouterMesh mesh, string path) =>
        mesh.Mock.Recorder.WaitForAsync(r => r.Path == path, Wait);
}
