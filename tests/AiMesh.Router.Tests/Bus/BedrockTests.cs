using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

/// <summary>
/// The router with Bedrock deployments against the mock provider's Bedrock routes over a real socket: the mock
/// verifies every SigV4 signature with its test credentials and answers Converse, ConverseStream (AWS event
/// stream) and InvokeModel as Bedrock does.
/// </summary>
public sealed class BedrockTests
{
    private const string KeyIdVariable = "ROUTER_TESTS_AWS_KEY_ID";
    private const string SecretVariable = "ROUTER_TESTS_AWS_SECRET";
    private const string UpstreamModel = "anthropic.claude-3-haiku-20240307-v1:0";
    private const string Tools = """ "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":"required" """;

    [Fact]
    public async Task Answers_a_chat_through_converse_signed_and_translated_both_ways()
    {
        await using var mesh = await StartAsync();
        var request = Chat("""{"model":"claude-bedrock","max_tokens":50,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}""", stream: false);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal(("bedrock-chat", "bedrock", 200), (routed!.Deployment, routed.Provider, routed.Status));
        var body = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(("chat.completion", "claude-bedrock"), ((string?)body["object"], (string?)body["model"]));
        Assert.Equal($"chatcmpl-{request.RequestId:N}", (string?)body["id"]);
        Assert.Equal("This is a deterministic reply from the AiMesh", (string?)body["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.Equal(new TokenUsage(3, 8, null), routed.Usage);
        Assert.Equal(11, (int)body["usage"]!["total_tokens"]!);

        // The router may read the answer before the mock has noted its status: wait until the mock is done with it.
        var recorded = await mesh.Mock.Recorder.WaitForAsync(_ => true, TimeSpan.FromSeconds(30));
        Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal(($"/model/{UpstreamModel}/converse", 200), (recorded.Path, recorded.StatusCode));
        Assert.Matches(@"^AWS4-HMAC-SHA256 Credential=AKIDMOCKBEDROCK/\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$",
            recorded.Headers["authorization"]);
        Assert.DoesNotContain("secret", string.Join('\n', recorded.Headers.Values), StringComparison.OrdinalIgnoreCase);
        var sent = JsonNode.Parse(recorded.Body)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"messages":[{"role":"user","content":[{"text":"hello"}]}],"system":[{"text":"be brief"}],"inferenceConfig":{"maxTokens":50}}
            """), sent), recorded.Body);
    }

    [Fact]
    public async Task Streams_converse_stream_events_as_openai_chunks_with_usage()
    {
        await using var mesh = await StartAsync("tokens=6");
        var request = Chat("""{"model":"claude-bedrock","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", stream: true);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // Role, six words, the finish and the usage chunk the client asked for.
        Assert.Equal(9, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!).ToArray();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", "claude-bedrock"), ((string?)c["object"], (string?)c["model"])));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("This is a deterministic reply from", string.Concat(chunks[1..7].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal("stop", (string?)chunks[7]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[8]["choices"]!.AsArray());
        Assert.Equal(6, (int)chunks[8]["usage"]!["completion_tokens"]!);
        Assert.Equal(new TokenUsage(1, 6, null), routed.Usage);
        Assert.Equal($"/model/{UpstreamModel}/converse-stream", Assert.Single(mesh.Mock.Recorder.Snapshot()).Path);
    }

    [Fact]
    public async Task Streams_a_tool_call_with_its_arguments_in_pieces()
    {
        await using var mesh = await StartAsync();
        var request = Chat("""{"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"weather?"}],""" + Tools + "}", stream: true);

        var (routed, _) = await mesh.Router.RouteAsync(request);

        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed!.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!).ToArray();
        // The answer starts with the call: its header carries the role, as OpenAI's first chunk does.
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        var start = chunks[0]["choices"]![0]!["delta"]!["tool_calls"]![0]!;
        Assert.Equal((0, "tooluse_mock_1", "function", "get_weather"), ((int)start["index"]!, (string?)start["id"], (string?)start["type"], (string?)start["function"]!["name"]));
        var arguments = string.Concat(chunks[1..^1].Select(c => (string?)c["choices"]![0]!["delta"]!["tool_calls"]![0]!["function"]!["arguments"]));
        Assert.Equal("""{"mock":true}""", arguments);
        Assert.Equal("tool_calls", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(Assert.Single(mesh.Mock.Recorder.Snapshot()).Body)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"any":{}}"""), sent["toolConfig"]!["toolChoice"]));
        Assert.Equal("get_weather", (string?)sent["toolConfig"]!["tools"]![0]!["toolSpec"]!["name"]);
    }

    [Fact]
    public async Task Answers_a_tool_call_and_takes_the_result_back()
    {
        await using var mesh = await StartAsync();
        var (routed, _) = await mesh.Router.RouteAsync(Chat("""{"model":"claude-bedrock","messages":[{"role":"user","content":"weather?"}],""" + Tools + "}", stream: false));
        var call = JsonNode.Parse(routed!.Body!)!["choices"]![0]!["message"]!["tool_calls"]![0]!;
        Assert.Equal(("tooluse_mock_1", "get_weather", """{"mock":true}"""), ((string?)call["id"], (string?)call["function"]!["name"], (string?)call["function"]!["arguments"]));

        var followUp = """
            {"model":"claude-bedrock","messages":[{"role":"user","content":"weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"tooluse_mock_1","type":"function","function":{"name":"get_weather","arguments":"{\"mock\":true}"}}]},
              {"role":"tool","tool_call_id":"tooluse_mock_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """;
        var (answer, failed) = await mesh.Router.RouteAsync(Chat(followUp, stream: false));
        Assert.Null(failed);
        Assert.Equal("stop", (string?)JsonNode.Parse(answer!.Body!)!["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!;
        Assert.Equal("sunny", (string?)sent["messages"]![2]!["content"]![0]!["toolResult"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task Throttling_is_a_429()
    {
        await using var mesh = await StartAsync("status=429");

        var (_, failed) = await mesh.Router.RouteAsync(Chat("""{"model":"claude-bedrock","messages":[{"role":"user","content":"hi"}]}""", stream: false));

        Assert.Equal((429, "rate_limit_error", "rate_limit_exceeded"), (failed!.Status, failed.Type, failed.Code));
        Assert.Equal("Too many requests, please wait before trying again.", failed.Message);
    }

    [Fact]
    public async Task An_outage_is_a_retryable_503_before_any_chunk()
    {
        await using var mesh = await StartAsync("status=503");
        var (_, unavailable) = await mesh.Router.RouteAsync(Chat("""{"model":"claude-bedrock","messages":[{"role":"user","content":"hi"}]}""", stream: true));
        Assert.Equal((503, "upstream_overloaded", 0), (unavailable!.Status, unavailable.Code, unavailable.ChunkCount));
    }

    [Fact]
    public async Task A_stream_cut_mid_frame_is_a_truncation_with_no_invented_finish()
    {
        await using var mesh = await StartAsync("tokens=10;cutAfter=3");
        var request = Chat("""{"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(routed);
        Assert.Equal((502, "upstream_stream_truncated", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, 4);
        Assert.All(chunks, c => Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(c.Data).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task An_exception_event_in_the_stream_fails_the_call_with_its_kind()
    {
        await using var mesh = await StartAsync("tokens=3;streamError=throttlingException");
        var request = Chat("""{"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((429, "rate_limit_exceeded", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        Assert.Equal("Mock scenario: the stream failed.", failed.Message);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_signature_check_and_reported_as_a_credentials_failure()
    {
        await using var mesh = await StartAsync(secret: "not-the-mock-secret");

        var (_, failed) = await mesh.Router.RouteAsync(Chat("""{"model":"claude-bedrock","messages":[{"role":"user","content":"hi"}]}""", stream: false));

        Assert.Equal((502, "upstream_auth_failed"), (failed!.Status, failed.Code));
        Assert.DoesNotContain("signature", failed.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(403, (await mesh.Mock.Recorder.WaitForAsync(_ => true, TimeSpan.FromSeconds(30))).StatusCode);
        Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains("not-the-mock-secret", StringComparison.Ordinal));
        Assert.DoesNotContain(mesh.Router.Tap.Seen, m => m.Contains("not-the-mock-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embeds_through_titan_on_invoke_model()
    {
        await using var mesh = await StartAsync();
        var request = new RouteCompletion(Guid.NewGuid(), "embeddings", "titan-embed", """{"model":"titan-embed","input":"hello world","dimensions":256}""",
            false, null, DateTimeOffset.UtcNow.AddMinutes(1), "principal-1");

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        var body = JsonNode.Parse(routed!.Body!)!;
        Assert.Equal(256, body["data"]![0]!["embedding"]!.AsArray().Count);
        Assert.Equal((2, 2), ((int)body["usage"]!["prompt_tokens"]!, routed.Usage!.PromptTokens));
        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/model/amazon.titan-embed-text-v2:0/invoke", recorded.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"inputText":"hello world","dimensions":256}"""), JsonNode.Parse(recorded.Body)));
    }

    [Fact]
    public async Task An_unsupported_field_is_refused_before_anything_is_sent()
    {
        await using var mesh = await StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(Chat("""{"model":"claude-bedrock","seed":3,"messages":[{"role":"user","content":"hi"}]}""", stream: false));

        Assert.Equal((400, "unsupported_parameter", "seed"), (failed!.Status, failed.Code, failed.Param));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_frame_that_fails_its_checksum_is_an_invalid_response()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(OddSettings(odd, "bedrock-corrupt"));

        var (_, failed) = await router.RouteAsync(Chat("""{"model":"claude-bedrock","stream":true,"messages":[]}""", stream: true));

        // Whether the good frame before it became a chunk depends on whether both came in one read.
        Assert.Equal((502, "upstream_invalid_response"), (failed!.Status, failed.Code));
        Assert.InRange(failed.ChunkCount, 0, 1);
    }

    [Fact]
    public async Task Reassembles_frames_that_arrive_three_bytes_at_a_time()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(OddSettings(odd, "bedrock-tiny"));
        var request = Chat("""{"model":"claude-bedrock","stream":true,"messages":[]}""", stream: true);

        var (routed, failed) = await router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal((6, new TokenUsage(25, 9, 5)), (routed!.ChunkCount, routed.Usage));
        var chunks = await router.Chunks.WaitForAsync(request.RequestId, 6);
        Assert.Equal("tool_calls", (string?)JsonNode.Parse(chunks[^1].Data)!["choices"]![0]!["finish_reason"]);
    }

    private static Dictionary<string, string?> OddSettings(OddProvider odd, string route)
    {
        var settings = RouterHost.Settings(odd.Api("unused"));
        settings[KeyIdVariable] = "AKIDMOCKBEDROCK";
        settings[SecretVariable] = "any";
        AddDeployment(settings, 2, "bedrock-chat", "claude-bedrock", UpstreamModel, "chat.completions", new Uri(odd.BaseAddress, route + "/"));
        return settings;
    }

    private static RouteCompletion Chat(string body, bool stream) => RouterHost.Chat(body, stream, model: "claude-bedrock");


    private static Task<RouterMesh> StartAsync(string? scenario = null, string secret = "mock/bedrock+secret/for+tests+only") =>
        RouterMesh.StartAsync(null, settings =>
        {
            // The OpenAI deployment points at {mock}/v1: the mock's root is the same address without it.
            var root = new Uri(settings["Router:Deployments:0:BaseUrl"]![..^"v1".Length]);
            var bedrockRoot = scenario is null ? root : new Uri(root, "s/" + Uri.EscapeDataString(scenario) + "/");
            settings[KeyIdVariable] = "AKIDMOCKBEDROCK";
            settings[SecretVariable] = secret;
            AddDeployment(settings, 2, "bedrock-chat", "claude-bedrock", UpstreamModel, "chat.completions", bedrockRoot);
            AddDeployment(settings, 3, "bedrock-embed", "titan-embed", "amazon.titan-embed-text-v2:0", "embeddings", bedrockRoot);
        });

    private static void AddDeployment(Dictionary<string, string?> settings, int index, string name, string model, string upstream, string api, Uri baseUrl)
    {
        var at = $"Router:Deployments:{index}:";
        settings[at + "Name"] = name;
        settings[at + "Model"] = model;
        settings[at + "Provider"] = "bedrock";
        settings[at + "BaseUrl"] = baseUrl.ToString();
        settings[at + "Region"] = "us-east-1";
        settings[at + "UpstreamModel"] = upstream;
        settings[at + "AwsAccessKeyIdEnv"] = KeyIdVariable;
        settings[at + "AwsSecretAccessKeyEnv"] = SecretVariable;
        settings[at + "Api:0"] = api;
    }
}
