using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.MockProvider;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

/// <summary>
/// The router on the bus with <c>cohere</c> deployments (chat and embeddings) against the mock provider's Cohere v2
/// API on a real socket: what the client gets, and what Cohere (the mock) received.
/// </summary>
public sealed class CohereRouteTests
{
    private const string Model = "command-a";
    private const string Tools = """ "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":"required" """;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_chat_completion_is_sent_as_a_v2_chat_and_read_back_as_a_chat_completion()
    {
        await using var mesh = await StartAsync();
        var request = RouterHost.Chat(
            """{"model":"command-a","top_p":0.5,"stop":["zzz"],"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""",
            stream: false, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal(("mock-cohere", "cohere", 1), (routed!.Deployment, routed.Provider, routed.Attempts));
        var body = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(("chat.completion", Model), ((string?)body["object"], (string?)body["model"]));
        Assert.StartsWith("chatcmpl-mock-cohere-", (string?)body["id"], StringComparison.Ordinal);
        Assert.Equal("This is a deterministic reply from the AiMesh", (string?)body["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)body["choices"]![0]!["finish_reason"]);
        // Cohere's "tokens" (the mock adds a 5-token template to the 3 words of the prompt), not its billed units.
        Assert.Equal(new TokenUsage(8, 8), routed.Usage);
        Assert.Equal(16, (int)body["usage"]!["total_tokens"]!);

        var recorded = await Recorded(mesh, "/v2/chat");
        Assert.Equal("Bearer " + RouterHost.Key, recorded.Headers["authorization"]);
        AssertJson("""
            {"model":"command-a-03-2025","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],
             "stop_sequences":["zzz"],"p":0.5}
            """, JsonNode.Parse(recorded.Body)!);
    }

    [Fact]
    public async Task A_stream_arrives_as_openai_chunks_with_the_usage_chunk_the_client_asked_for()
    {
        await using var mesh = await StartAsync("tokens=4");
        var request = RouterHost.Chat(
            """{"model":"command-a","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi there"},{"role":"developer","content":"be brief"}]}""",
            stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // Role chunk, four content chunks, finish chunk, usage chunk.
        Assert.Equal(7, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, 7)).Select(c => JsonNode.Parse(c.Data)!).ToList();
        Assert.Equal("""{"role":"assistant","content":"","refusal":null}""", chunks[0]["choices"]![0]!["delta"]!.ToJsonString());
        Assert.Equal("This is a deterministic", string.Concat(chunks[1..5].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[5]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[6]["choices"]!.AsArray());
        Assert.Equal((9, 4), ((int)chunks[6]["usage"]!["prompt_tokens"]!, (int)chunks[6]["usage"]!["completion_tokens"]!));
        Assert.Equal(new TokenUsage(9, 4), routed.Usage);
        var recorded = await Recorded(mesh, "/v2/chat");
        Assert.True(recorded.Completed);
        // The developer message after the user's went first, as Cohere's one system turn (it refuses a late one).
        AssertJson("""
            {"model":"command-a-03-2025","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi there"}],"stream":true}
            """, JsonNode.Parse(recorded.Body)!);
    }

    [Fact]
    public async Task A_streamed_tool_call_comes_as_openai_s_header_and_argument_deltas_and_its_result_goes_back()
    {
        await using var mesh = await StartAsync();
        var first = RouterHost.Chat("""{"model":"command-a","stream":true,"messages":[{"role":"user","content":"weather?"}],""" + Tools + "}", stream: true, model: Model);

        var (routed, _) = await mesh.Router.RouteAsync(first);

        var chunks = (await mesh.Router.Chunks.WaitForAsync(first.RequestId, routed!.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!["choices"]![0]!).ToList();
        var header = chunks[0]["delta"]!;
        Assert.Equal(("assistant", 0, "get_weather_mock_1", "get_weather", ""),
            ((string?)header["role"], (int)header["tool_calls"]![0]!["index"]!, (string?)header["tool_calls"]![0]!["id"],
             (string?)header["tool_calls"]![0]!["function"]!["name"], (string?)header["tool_calls"]![0]!["function"]!["arguments"]));
        Assert.Equal("""{"mock":true}""", string.Concat(chunks[1..^1].Select(c => (string?)c["delta"]!["tool_calls"]![0]!["function"]!["arguments"])));
        Assert.Equal("tool_calls", (string?)chunks[^1]["finish_reason"]);
        Assert.Equal("REQUIRED", (string?)JsonNode.Parse((await Recorded(mesh, "/v2/chat")).Body)!["tool_choice"]);

        var followUp = """
            {"model":"command-a","messages":[{"role":"user","content":"weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"get_weather_mock_1","type":"function","function":{"name":"get_weather","arguments":"{\"mock\":true}"}}]},
              {"role":"tool","tool_call_id":"get_weather_mock_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """;
        var (answer, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(followUp, stream: false, model: Model));

        Assert.Null(failed);
        Assert.Equal("stop", (string?)JsonNode.Parse(answer!.Body!)!["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!;
        AssertJson("""{"role":"tool","tool_call_id":"get_weather_mock_1","content":"sunny"}""", sent["messages"]![2]!);
    }

    [Theory]
    [InlineData("status=429;retryAfter=7", "hi", 429, "rate_limit_exceeded", 7)]
    [InlineData("status=503;retryAfter=3", "hi", 503, "upstream_overloaded", 3)]
    [InlineData("status=401", "hi", 502, "upstream_auth_failed", null)]
    [InlineData(null, "toolong: a very long prompt", 400, "context_length_exceeded", null)]
    public async Task A_cohere_error_means_what_it_means_for_every_provider(string? scenario, string prompt, int status, string code, int? retryAfter)
    {
        await using var mesh = await StartAsync(scenario);

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(
            $$$"""{"model":"command-a","messages":[{"role":"user","content":"{{{prompt}}}"}]}""", stream: false, model: Model));

        Assert.Equal((status, code, retryAfter), (failed!.Status, failed.Code, failed.RetryAfterSeconds));
        Assert.DoesNotContain(RouterHost.Key, failed.Message, StringComparison.Ordinal);
        Assert.Equal(status == 502 ? 401 : status, (await Recorded(mesh, "/v2/chat")).StatusCode);
    }

    [Fact]
    public async Task A_stream_cut_mid_way_fails_as_truncated_without_an_invented_finish()
    {
        await using var mesh = await StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat("""{"model":"command-a","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((502, "upstream_stream_truncated", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, failed.ChunkCount);
        Assert.All(chunks, c => Assert.DoesNotContain("\"finish_reason\":\"", c.Data, StringComparison.Ordinal));
        Assert.True((await Recorded(mesh, "/v2/chat")).Aborted);
    }

    [Theory]
    [InlineData("errorAfter=2", 503, "upstream_overloaded")]
    [InlineData("errorAfter=2;errorStatus=429", 429, "rate_limit_exceeded")]
    public async Task A_stream_cohere_ends_in_error_fails_the_call_with_its_kind(string scenario, int status, string code)
    {
        await using var mesh = await StartAsync("tokens=6;" + scenario);
        var request = RouterHost.Chat("""{"model":"command-a","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((status, code, 3), (failed!.Status, failed.Code, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, failed.ChunkCount);
        Assert.All(chunks, c => Assert.DoesNotContain("\"finish_reason\":\"", c.Data, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embeds_through_v2_embed_with_base64_done_by_the_router()
    {
        await using var mesh = await StartAsync();
        var request = new RouteCompletion(Guid.NewGuid(), "embeddings", "embed-public",
            """{"model":"embed-public","input":["hello world","again"],"dimensions":256,"encoding_format":"base64"}""",
            false, null, DateTimeOffset.UtcNow.AddMinutes(1), "principal-1");

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var body = JsonNode.Parse(routed!.Body!)!;
        Assert.Equal(2, body["data"]!.AsArray().Count);
        Assert.Equal(256 * sizeof(float), Convert.FromBase64String((string)body["data"]![1]!["embedding"]!).Length);
        Assert.Equal((3, 3), ((int)body["usage"]!["prompt_tokens"]!, routed.Usage!.PromptTokens));
        var recorded = await Recorded(mesh, "/v2/embed");
        AssertJson("""
            {"model":"embed-v4.0","texts":["hello world","again"],"input_type":"search_document","embedding_types":["float"],"output_dimension":256}
            """, JsonNode.Parse(recorded.Body)!);
    }

    [Fact]
    public async Task A_parameter_cohere_cannot_honour_is_refused_before_any_call()
    {
        await using var mesh = await StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(
            """{"model":"command-a","logit_bias":{"1":5},"messages":[{"role":"user","content":"hi"}]}""", stream: false, model: Model));

        Assert.Equal((400, "unsupported_parameter", "logit_bias"), (failed!.Status, failed.Code, failed.Param));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    /// <summary>The mesh with two more deployments on the mock's Cohere API (with the scenario, if any): chat and embeddings.</summary>
    private static Task<RouterMesh> StartAsync(string? scenario = null) =>
        RouterMesh.StartAsync(scenario, settings =>
        {
            var v2 = settings["Router:Deployments:0:BaseUrl"]![..^"v1".Length] + "v2";
            settings["Router:Deployments:2:Name"] = "mock-cohere";
            settings["Router:Deployments:2:Model"] = Model;
            settings["Router:Deployments:2:Provider"] = "cohere";
            settings["Router:Deployments:2:BaseUrl"] = v2;
            settings["Router:Deployments:2:UpstreamModel"] = "command-a-03-2025";
            settings["Router:Deployments:2:ApiKeyEnv"] = RouterHost.KeyVariable;
            settings["Router:Deployments:2:Api:0"] = "chat.completions";
            settings["Router:Deployments:3:Name"] = "mock-cohere-embed";
            settings["Router:Deployments:3:Model"] = "embed-public";
            settings["Router:Deployments:3:Provider"] = "cohere";
            settings["Router:Deployments:3:BaseUrl"] = v2;
            settings["Router:Deployments:3:UpstreamModel"] = "embed-v4.0";
            settings["Router:Deployments:3:ApiKeyEnv"] = RouterHost.KeyVariable;
            settings["Router:Deployments:3:Api:0"] = "embeddings";
        });

    private static Task<RecordedRequest> Recorded(RouterMesh mesh, string path) =>
        mesh.Mock.Recorder.WaitForAsync(r => r.Path == path, Wait);

    private static void AssertJson(string expected, JsonNode actual)
    {
        var expectedNode = JsonNode.Parse(expected)!;
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"Expected {expectedNode.ToJsonString()}\nActual   {actual.ToJsonString()}");
    }
}
