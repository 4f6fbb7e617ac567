using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.MockProvider;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

/// <summary>
/// The router on the bus with an <c>anthropic</c> deployment against the mock provider's Messages API on a real
/// socket: what the client gets, and what Anthropic (the mock) received.
/// </summary>
public sealed class AnthropicRouteTests
{
    private const string Model = "claude-sonnet";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_chat_completion_is_sent_as_a_messages_request_and_read_back_as_a_chat_completion()
    {
        await using var mesh = await StartAsync();
        var request = RouterHost.Chat(
            """{"model":"claude-sonnet","user":"u-1","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""",
            stream: false, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal(("mock-claude", "anthropic", 1), (routed!.Deployment, routed.Provider, routed.Attempts));
        var body = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(("chat.completion", Model), ((string?)body["object"], (string?)body["model"]));
        Assert.StartsWith("chatcmpl-msg_mock_", (string?)body["id"], StringComparison.Ordinal);
        var choice = body["choices"]![0]!;
        Assert.Equal("This is a deterministic reply from the AiMesh", (string?)choice["message"]!["content"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Equal(new TokenUsage(3, 8, CachedTokens: 0, CacheWriteTokens: 0), routed.Usage);
        Assert.Equal(11, (int)body["usage"]!["total_tokens"]!);

        var recorded = await Recorded(mesh);
        Assert.Equal(RouterHost.Key, recorded.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", recorded.Headers["anthropic-version"]);
        Assert.False(recorded.Headers.ContainsKey("authorization"));
        AssertJson("""
            {"model":"mock-claude-upstream","max_tokens":4096,"system":"be brief","messages":[{"role":"user","content":"hello"}],
             "metadata":{"user_id":"u-1"}}
            """, JsonNode.Parse(recorded.Body)!);
    }

    [Fact]
    public async Task A_stream_arrives_as_openai_chunks_with_the_usage_chunk_the_client_asked_for()
    {
        await using var mesh = await StartAsync("tokens=4");
        var request = RouterHost.Chat(
            """{"model":"claude-sonnet","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi there"}]}""",
            stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // Role chunk, four content chunks, finish chunk, usage chunk.
        Assert.Equal(7, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!).ToList();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", Model), ((string?)c["object"], (string?)c["model"])));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("This is a deterministic", string.Concat(chunks[1..5].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[5]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[6]["choices"]!.AsArray());
        Assert.Equal(4, (int)chunks[6]["usage"]!["completion_tokens"]!);
        Assert.Equal(new TokenUsage(2, 4, CachedTokens: 0, CacheWriteTokens: 0), routed.Usage);

        var sent = JsonNode.Parse((await Recorded(mesh)).Body)!.AsObject();
        Assert.True((bool)sent["stream"]!);
        Assert.False(sent.ContainsKey("stream_options"));
    }

    [Fact]
    public async Task A_streamed_tool_call_with_thinking_keeps_the_signature_and_indexes_the_call_from_zero()
    {
        await using var mesh = await StartAsync();
        var request = RouterHost.Chat("""
            {"model":"claude-sonnet","stream":true,"max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
             "messages":[{"role":"user","content":"please use a tool"}]}
            """, stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var deltas = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed!.ChunkCount))
            .Select(c => JsonNode.Parse(c.Data)!["choices"]![0]!).ToList();
        Assert.Equal("Let me think this through.", string.Concat(deltas.Select(d => (string?)d["delta"]!["reasoning_content"])));
        var thinking = Assert.Single(deltas, d => d["delta"]!["thinking_blocks"] is not null)["delta"]!["thinking_blocks"]![0]!;
        Assert.Equal("Let me think this through.", (string?)thinking["thinking"]);
        Assert.StartsWith("mock-sig-", (string?)thinking["signature"], StringComparison.Ordinal);
        var calls = deltas.Where(d => d["delta"]!["tool_calls"] is not null).Select(d => d["delta"]!["tool_calls"]![0]!).ToList();
        Assert.All(calls, c => Assert.Equal(0, (int)c["index"]!));
        Assert.Equal(("toolu_mock_1", "lookup"), ((string?)calls[0]["id"], (string?)calls[0]["function"]!["name"]));
        Assert.Equal("""{"mock":true}""", string.Concat(calls.Select(c => (string?)c["function"]!["arguments"])));
        Assert.Equal("tool_calls", (string?)deltas[^1]["finish_reason"]);

        // The thinking block goes back with the tool result, as Anthropic requires in a tool-use loop with thinking.
        var followUp = RouterHost.Chat($$$"""
            {"model":"claude-sonnet","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},
             "tools":[{"type":"function","function":{"name":"lookup"}}],
             "messages":[{"role":"user","content":"please use a tool"},
               {"role":"assistant","content":null,"thinking_blocks":[{{{thinking.ToJsonString()}}}],
                "tool_calls":[{"id":"toolu_mock_1","type":"function","function":{"name":"lookup","arguments":"{\"mock\":true}"}}]},
               {"role":"tool","tool_call_id":"toolu_mock_1","content":"42"}]}
            """, stream: false, model: Model);

        var (answered, refused) = await mesh.Router.RouteAsync(followUp);

        Assert.Null(refused);
        Assert.Equal("stop", (string?)JsonNode.Parse(answered!.Body!)!["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!;
        Assert.Equal(["thinking", "tool_use"], sent["messages"]![1]!["content"]!.AsArray().Select(b => (string?)b!["type"]));
    }

    [Theory]
    [InlineData("status=429;retryAfter=7", 429, "rate_limit_exceeded", 7)]
    [InlineData("status=529;retryAfter=3", 503, "upstream_overloaded", 3)]
    [InlineData("status=401", 502, "upstream_auth_failed", null)]
    [InlineData("status=400", 400, "invalid_request", null)]
    public async Task An_anthropic_error_status_means_what_it_means_for_every_provider(string scenario, int status, string code, int? retryAfter)
    {
        await using var mesh = await StartAsync(scenario);

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat("""{"model":"claude-sonnet","messages":[{"role":"user","content":"hi"}]}""", stream: false, model: Model));

        Assert.Equal((status, code, retryAfter), (failed!.Status, failed.Code, failed.RetryAfterSeconds));
        Assert.DoesNotContain(RouterHost.Key, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_mid_way_fails_as_truncated_without_an_invented_finish()
    {
        await using var mesh = await StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat("""{"model":"claude-sonnet","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((502, "upstream_stream_truncated", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, failed.ChunkCount);
        Assert.All(chunks, c => Assert.DoesNotContain("\"finish_reason\":\"", c.Data, StringComparison.Ordinal));
        Assert.True((await Recorded(mesh)).Aborted);
    }

    [Theory]
    [InlineData("errorAfter=2", 503, "upstream_overloaded", "truncated")]
    [InlineData("errorAfter=2;errorStatus=429", 429, "rate_limit_exceeded", "truncated")]
    [InlineData("errorAfter=2;errorStatus=500", 502, "upstream_stream_error", "error")]
    public async Task An_error_event_inside_the_stream_fails_the_call_with_its_kind(string scenario, int status, string code, string outcome)
    {
        await using var mesh = await StartAsync("tokens=6;" + scenario);
        var request = RouterHost.Chat("""{"model":"claude-sonnet","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((status, code, outcome, 3), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        Assert.NotNull(failed.Usage);
    }

    [Fact]
    public async Task Prompt_caching_fields_pass_through_and_cache_reads_and_writes_are_metered()
    {
        await using var mesh = await StartAsync();
        const string body = """
            {"model":"claude-sonnet","messages":[
              {"role":"system","content":[{"type":"text","text":"a long and stable system prompt","cache_control":{"type":"ephemeral"}}]},
              {"role":"user","content":"hello"}]}
            """;

        var (first, _) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));
        var (second, _) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

        Assert.Equal(new TokenUsage(7, 8, CachedTokens: 0, CacheWriteTokens: 6), first!.Usage);
        Assert.Equal(new TokenUsage(7, 8, CachedTokens: 6, CacheWriteTokens: 0), second!.Usage);
        Assert.Equal(6, (int)JsonNode.Parse(second.Body!)!["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!;
        AssertJson("""[{"type":"text","text":"a long and stable system prompt","cache_control":{"type":"ephemeral"}}]""", sent["system"]!);
    }

    [Fact]
    public async Task A_parameter_anthropic_cannot_honour_is_refused_before_any_call_or_dropped_by_configuration()
    {
        const string body = """{"model":"claude-sonnet","n":2,"messages":[{"role":"user","content":"hi"}]}""";
        await using (var mesh = await StartAsync())
        {
            var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

            Assert.Equal((400, "unsupported_parameter", "n"), (failed!.Status, failed.Code, failed.Param));
            Assert.Empty(mesh.Mock.Recorder.Snapshot());
        }

        await using (var mesh = await StartAsync(configure: s => s["Router:Deployments:2:UnsupportedParameters"] = "drop"))
        {
            var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

            Assert.Equal(["n"], routed!.DroppedParameters);
            Assert.False(JsonNode.Parse((await Recorded(mesh)).Body)!.AsObject().ContainsKey("n"));
        }
    }

    /// <summary>The mesh with a third deployment, <c>claude-sonnet</c> on the mock's Messages API (with the scenario, if any).</summary>
    private static Task<RouterMesh> StartAsync(string? scenario = null, Action<Dictionary<string, string?>>? configure = null) =>
        RouterMesh.StartAsync(scenario, settings =>
        {
            settings["Router:Deployments:2:Name"] = "mock-claude";
            settings["Router:Deployments:2:Model"] = Model;
            settings["Router:Deployments:2:Provider"] = "anthropic";
            settings["Router:Deployments:2:BaseUrl"] = settings["Router:Deployments:0:BaseUrl"];
            settings["Router:Deployments:2:UpstreamModel"] = "mock-claude-upstream";
            settings["Router:Deployments:2:ApiKeyEnv"] = RouterHost.KeyVariable;
            settings["Router:Deployments:2:Api:0"] = "chat.completions";
            configure?.Invoke(settings);
        });

    private static Task<RecordedRequest> Recorded(RouterMesh mesh) =>
        mesh.Mock.Recorder.WaitForAsync(r => r.Path == "/v1/messages", Wait);

    private static void AssertJson(string expected, JsonNode actual)
    {
        var expectedNode = JsonNode.Parse(expected)!;
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"Expected {expectedNode.ToJsonString()}\nActual   {actual.ToJsonString()}");
        Assert.True(Encoding.UTF8.GetByteCount(actual.ToJsonString()) > 0);
    }
}
