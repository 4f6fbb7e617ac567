using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.MockProvider;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Support.JsonAssert;

namespace AiMesh.Router.Tests.Bus;

/// <summary>
/// The router on the bus with a <c>mistral</c> deployment against the mock provider's Mistral API on a real socket.
/// The mock refuses, as Mistral does, any member Mistral does not define and tool call ids not of its form, so these
/// tests also show the request was translated, not passed through.
/// </summary>
public sealed class MistralRouteTests
{
    private const string Model = "mistral-public";
    private const string ChatPath = "/mistral/v1/chat/completions";
    private const string ToolBody = """
        {"model":"mistral-public","tool_choice":"required","messages":[{"role":"user","content":"hi"}],
         "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_chat_completion_is_sent_in_mistrals_words_and_read_back_as_openais()
    {
        await using var mesh = await StartAsync("tokens=4");
        const string body = """
            {"model":"mistral-public","seed":7,"max_completion_tokens":50,"temperature":0.2,"stop":["END"],"logprobs":false,
             "messages":[{"role":"developer","content":"be brief"},{"role":"user","content":"hello"}]}
            """;

        var (routed, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

        Assert.Null(failed);
        Assert.Equal(("mock-mistral", "mistral"), (routed!.Deployment, routed.Provider));
        var answer = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(("chat.completion", Model), ((string?)answer["object"], (string?)answer["model"]));
        Assert.StartsWith("chatcmpl-cmpl", (string?)answer["id"], StringComparison.Ordinal);
        var choice = answer["choices"]![0]!;
        Assert.Equal(("This is a deterministic", "stop"), ((string?)choice["message"]!["content"], (string?)choice["finish_reason"]));
        Assert.Equal(new TokenUsage(3, 4), routed.Usage);
        Assert.Equal(7, (int)answer["usage"]!["total_tokens"]!);

        var recorded = await Recorded(mesh);
        Assert.Equal("Bearer " + RouterHost.Key, recorded.Headers["authorization"]);
        AssertJson("""
            {"model":"mistral-small-latest","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],
             "random_seed":7,"max_tokens":50,"temperature":0.2,"stop":["END"],"stream":false}
            """, recorded.Body);
    }

    [Fact]
    public async Task A_stream_arrives_as_openai_chunks_with_the_usage_chunk_the_client_asked_for()
    {
        await using var mesh = await StartAsync("tokens=4");
        var request = RouterHost.Chat(
            """{"model":"mistral-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""",
            stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // Role chunk, four content chunks, finish chunk (Mistral's is on its last word), then OpenAI's usage chunk made from
        // the usage on Mistral's last chunk.
        Assert.Equal(7, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!).ToList();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", Model), ((string?)c["object"], (string?)c["model"])));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("This is a deterministic", string.Concat(chunks[1..5].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[5]["choices"]![0]!["finish_reason"]);
        Assert.Null(chunks[5]["usage"]);
        Assert.Empty(chunks[6]["choices"]!.AsArray());
        Assert.Equal(4, (int)chunks[6]["usage"]!["completion_tokens"]!);
        Assert.Equal(new TokenUsage(1, 4), routed.Usage);

        var sent = JsonNode.Parse((await Recorded(mesh)).Body)!.AsObject();
        Assert.True((bool)sent["stream"]!);
        Assert.False(sent.ContainsKey("stream_options"));
    }

    [Fact]
    public async Task A_required_tool_choice_is_any_and_foreign_tool_call_ids_go_back_in_mistrals_form()
    {
        await using var mesh = await StartAsync();
        var request = RouterHost.Chat(ToolBody.Replace("\"tool_choice\"", "\"stream\":true,\"tool_choice\"", StringComparison.Ordinal), stream: true, model: Model);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal("any", (string?)JsonNode.Parse((await Recorded(mesh)).Body)!["tool_choice"]);
        var deltas = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed!.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!["choices"]![0]!).ToList();
        // As OpenAI streams a call: the header (with the role) and then the arguments, then the finish on its own.
        Assert.Equal(3, deltas.Count);
        var header = deltas[0]["delta"]!;
        var call = header["tool_calls"]![0]!;
        Assert.Equal(("assistant", 0, "MockCall1", "function", "lookup", ""),
            ((string?)header["role"], (int)call["index"]!, (string?)call["id"], (string?)call["type"], (string?)call["function"]!["name"], (string?)call["function"]!["arguments"]));
        var arguments = deltas[1]["delta"]!["tool_calls"]![0]!;
        Assert.Equal((0, """{"mock":true}"""), ((int)arguments["index"]!, (string?)arguments["function"]!["arguments"]));
        Assert.Equal(("{}", "tool_calls"), (deltas[2]["delta"]!.ToJsonString(), (string?)deltas[2]["finish_reason"]));

        // A history from another provider: ids Mistral would refuse become its form, the same in the call and its result.
        var followUp = RouterHost.Chat("""
            {"model":"mistral-public","messages":[{"role":"user","content":"hi"},
              {"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_abc123","content":"42"}]}
            """, stream: false, model: Model);

        var (answered, refused) = await mesh.Router.RouteAsync(followUp);

        Assert.Null(refused);
        Assert.Equal("stop", (string?)JsonNode.Parse(answered!.Body!)!["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!["messages"]!;
        var id = (string?)sent[1]!["tool_calls"]![0]!["id"];
        Assert.Matches("^[A-Za-z0-9]{9}$", id);
        Assert.Equal(id, (string?)sent[2]!["tool_call_id"]);
        Assert.False(sent[1]!.AsObject().ContainsKey("refusal"));
    }

    [Theory]
    [InlineData("status=429;retryAfter=3", "hi", 429, "rate_limit_exceeded", 3)]
    [InlineData("status=401", "hi", 502, "upstream_auth_failed", null)]
    [InlineData("status=500", "hi", 500, "upstream_error", null)]
    [InlineData(null, "toolong: a very long prompt", 400, "context_length_exceeded", null)]
    public async Task A_mistral_error_means_what_it_means_for_every_provider(string? scenario, string prompt, int status, string code, int? retryAfter)
    {
        await using var mesh = await StartAsync(scenario);

        await RouteChecks.FailsAsAsync(mesh, Model, prompt, status, code, retryAfter);
    }

    [Fact]
    public async Task A_finish_reason_of_error_fails_the_call_naming_it_rather_than_passing_a_broken_answer()
    {
        await using var mesh = await StartAsync("finish=error");

        var (routed, failed) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Null(routed);
        Assert.Equal((502, "upstream_error"), (failed!.Status, failed.Code));
        Assert.Contains("finish reason error", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_length_is_openais_length()
    {
        await using var mesh = await StartAsync("finish=model_length");

        var (routed, failed) = await RouteChecks.AskAsync(mesh, Model);

        Assert.Null(failed);
        Assert.Equal("length", (string?)JsonNode.Parse(routed!.Body!)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_parameter_mistral_cannot_honour_is_refused_before_any_call_or_dropped_by_configuration()
    {
        const string body = """{"model":"mistral-public","logprobs":true,"user":"u-1","messages":[{"role":"user","content":"hi"}]}""";
        await using (var mesh = await StartAsync())
        {
            var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

            Assert.Equal((400, "unsupported_parameter", "logprobs"), (failed!.Status, failed.Code, failed.Param));
            Assert.Empty(mesh.Mock.Recorder.Snapshot());
        }

        await using (var mesh = await StartAsync(configure: s => s["Router:Deployments:2:UnsupportedParameters"] = "drop"))
        {
            var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(body, stream: false, model: Model));

            Assert.Equal(["logprobs", "user"], routed!.DroppedParameters);
            var sent = JsonNode.Parse((await Recorded(mesh)).Body)!.AsObject();
            Assert.False(sent.ContainsKey("logprobs") || sent.ContainsKey("user"));
        }
    }

    [Fact]
    public async Task A_stream_cut_mid_way_fails_as_truncated_without_an_invented_finish()
    {
        await using var mesh = await StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat("""{"model":"mistral-public","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        await RouteChecks.CutStreamFailsAsTruncatedAsync(mesh, request, ChatPath);
    }

    [Theory]
    [InlineData("errorAfter=2", 502, "upstream_stream_error")]
    [InlineData("errorAfter=2;errorStatus=429", 429, "rate_limit_exceeded")]
    public async Task An_error_object_inside_the_stream_fails_the_call_with_its_kind(string scenario, int status, string code)
    {
        await using var mesh = await StartAsync("tokens=6;" + scenario);
        var request = RouterHost.Chat("""{"model":"mistral-public","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: Model);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((status, code, 3), (failed!.Status, failed.Code, failed.ChunkCount));
    }

    [Fact]
    public async Task Embeddings_ask_for_the_output_dimension_and_honour_base64_themselves()
    {
        await using var mesh = await StartAsync(configure: s =>
            DeploymentSettings.Add(s, 3, "mock-mistral-embed", "mistral-embed-public", "mistral", DeploymentSettings.MockRoot(s) + "mistral/v1", "mistral-embed", "embeddings"));
        var request = RouterHost.Chat("""{"model":"mistral-embed-public","input":["one two","three"],"dimensions":4,"encoding_format":"base64"}""",
            stream: false, model: "mistral-embed-public") with
        { Api = "embeddings" };

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var answer = JsonNode.Parse(routed!.Body!)!;
        Assert.Equal(("list", "mistral-embed-public", 2), ((string?)answer["object"], (string?)answer["model"], answer["data"]!.AsArray().Count));
        Assert.Equal(16, Convert.FromBase64String((string)answer["data"]![0]!["embedding"]!).Length);
        Assert.Equal(3, routed.Usage!.PromptTokens);
        var recorded = await mesh.Mock.Recorder.WaitForAsync(r => r.Path == "/mistral/v1/embeddings", Wait);
        AssertJson("""{"model":"mistral-embed","input":["one two","three"],"output_dimension":4}""", recorded.Body);
    }

    /// <summary>The mesh with a third deployment, <c>mistral-public</c> on the mock's Mistral API (with the scenario, if any).</summary>
    private static Task<RouterMesh> StartAsync(string? scenario = null, Action<Dictionary<string, string?>>? configure = null) =>
        RouterMesh.StartAsync(scenario, settings =>
        {
            DeploymentSettings.Add(settings, 2, "mock-mistral", Model, "mistral", DeploymentSettings.MockRoot(settings) + "mistral/v1", "mistral-small-latest", "chat.completions");
            configure?.Invoke(settings);
        });

    private static Task<RecordedRequest> Recorded(RouterMesh mesh) =>
        mesh.Mock.Recorder.WaitForAsync(r => r.Path == ChatPath, Wait);
}
