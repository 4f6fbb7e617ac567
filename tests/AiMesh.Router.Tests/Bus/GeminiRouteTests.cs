using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

/// <summary>The router with Gemini API deployments against the mock provider on a real socket.</summary>
public sealed class GeminiRouteTests
{
    private const string Body = """{"model":"gemini-public","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],"max_tokens":50}""";
    private const string StreamBody = """{"model":"gemini-public","stream":true,"messages":[{"role":"user","content":"hello"}]}""";
    private const string ToolBody = """
        {"model":"gemini-public","stream":true,"messages":[{"role":"user","content":"please use a tool"}],
         "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]}
        """;

    [Fact]
    public async Task Answers_a_whole_call_in_openai_shape_and_calls_gemini_with_the_key_in_its_header()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=4");

        var (routed, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));

        Assert.Null(failed);
        Assert.Equal((200, "gemini-chat", "gemini", 1), (routed!.Status, routed.Deployment, routed.Provider, routed.Attempts));
        var answer = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(("chat.completion", "gemini-public"), ((string?)answer["object"], (string?)answer["model"]));
        Assert.Equal("This is a deterministic", (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)answer["choices"]![0]!["finish_reason"]);
        Assert.Equal(new(3, 4, null, null), routed.Usage);
        Assert.Equal(7, (int)answer["usage"]!["total_tokens"]!);

        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", recorded.Path);
        Assert.Equal(GoogleMesh.Key, recorded.Headers["x-goog-api-key"]);
        Assert.False(recorded.Headers.ContainsKey("authorization"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"contents":[{"role":"user","parts":[{"text":"hello"}]}],"systemInstruction":{"parts":[{"text":"be brief"}]},"generationConfig":{"maxOutputTokens":50}}
            """), JsonNode.Parse(recorded.Body)), recorded.Body);
    }

    [Fact]
    public async Task Streams_chunks_that_end_with_the_finish_and_the_usage_the_client_asked_for()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=5");
        var request = RouterHost.Chat(StreamBody.Replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal),
            stream: true, model: "gemini-public");

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // The role chunk, five words, then OpenAI's finish chunk and its usage chunk.
        Assert.Equal(8, routed!.ChunkCount);
        var chunks = (await mesh.Router.Chunks.WaitForAsync(request.RequestId, 8)).Select(c => JsonNode.Parse(c.Data)!).ToList();
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("This is a deterministic reply", string.Concat(chunks[..^1].Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.All(chunks[..^2], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.Equal("stop", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(5, (int)chunks[^1]["usage"]!["completion_tokens"]!);
        Assert.All(chunks[..^1], c => Assert.Null(c["usage"]));
        Assert.Equal(5, routed.Usage!.CompletionTokens);

        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent", recorded.Path);
        Assert.True(recorded.Completed);
    }

    [Fact]
    public async Task Streams_a_tool_call_and_takes_its_result_back_with_the_thought_signature_a_gemini_3_model_insists_on()
    {
        await using var mesh = await GoogleMesh.StartAsync();
        var first = RouterHost.Chat(ToolBody.Replace("gemini-public", "gemini3-public", StringComparison.Ordinal), stream: true, model: "gemini3-public");

        var (routed, _) = await mesh.Router.RouteAsync(first);

        // The call's header, its arguments, the finish: as OpenAI streams a call.
        var chunks = (await mesh.Router.Chunks.WaitForAsync(first.RequestId, routed!.ChunkCount)).Select(c => JsonNode.Parse(c.Data)!["choices"]![0]!).ToList();
        Assert.Equal(3, chunks.Count);
        var call = chunks[0]["delta"]!["tool_calls"]![0]!;
        Assert.Equal(("lookup", "", 0), ((string?)call["function"]!["name"], (string?)call["function"]!["arguments"], (int)call["index"]!));
        Assert.Equal("{\"mock\":true}", (string?)chunks[1]["delta"]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("tool_calls", (string?)chunks[2]["finish_reason"]);
        var id = (string)call["id"]!;
        Assert.Contains("~ts~", id, StringComparison.Ordinal);

        var quotedId = JsonSerializer.Serialize(id);
        var second = RouterHost.Chat("""
            {"model":"gemini3-public","messages":[{"role":"user","content":"please use a tool"},
              {"role":"assistant","content":null,"tool_calls":[{"id":ID,"type":"function","function":{"name":"lookup","arguments":"{\"mock\":true}"}}]},
              {"role":"tool","tool_call_id":ID,"content":"42"}],
             "tools":[{"type":"function","function":{"name":"lookup"}}]}
            """.Replace("ID", quotedId, StringComparison.Ordinal), stream: false, model: "gemini3-public");
        var (answered, failed) = await mesh.Router.RouteAsync(second);

        Assert.Null(failed);
        Assert.Equal("stop", (string?)JsonNode.Parse(answered!.Body!)!["choices"]![0]!["finish_reason"]);
        var sent = JsonNode.Parse(mesh.Mock.Recorder.Snapshot()[^1].Body)!;
        Assert.Equal("lookup", (string?)sent["contents"]![2]!["parts"]![0]!["functionResponse"]!["name"]);
        Assert.False(string.IsNullOrEmpty((string?)sent["contents"]![1]!["parts"]![0]!["thoughtSignature"]));
    }

    [Fact]
    public async Task A_rate_limit_takes_its_wait_from_googles_retry_info()
    {
        await using var mesh = await GoogleMesh.StartAsync("status=429;retryAfter=7");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));

        Assert.Equal((429, "rate_limit_error", "rate_limit_exceeded", 7), (failed!.Status, failed.Type, failed.Code, failed.RetryAfterSeconds));
        Assert.Contains("resource has been exhausted", failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status=503", 503, "upstream_overloaded")]
    [InlineData("status=500", 500, "upstream_error")]
    [InlineData("status=400", 400, "invalid_argument")]
    [InlineData("status=403", 502, "upstream_auth_failed")]
    public async Task Google_errors_keep_their_meaning(string scenario, int status, string code)
    {
        await using var mesh = await GoogleMesh.StartAsync(scenario);

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));

        Assert.Equal((status, code), (failed!.Status, failed.Code));
    }

    [Fact]
    public async Task A_rejected_key_is_a_502_that_does_not_repeat_google()
    {
        await using var mesh = await GoogleMesh.StartAsync(configure: s => s[GoogleMesh.KeyVariable] = "bad-key");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));

        Assert.Equal((502, "upstream_auth_failed"), (failed!.Status, failed.Code));
        Assert.DoesNotContain("API key", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_long_an_input_is_context_length_exceeded()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(
            """{"model":"gemini-public","messages":[{"role":"user","content":"toolong: very long"}]}""", stream: false, model: "gemini-public"));

        Assert.Equal((400, "context_length_exceeded", "messages"), (failed!.Status, failed.Code, failed.Param));
    }

    [Fact]
    public async Task A_blocked_prompt_is_a_content_filter_error_whole_and_streamed()
    {
        await using var mesh = await GoogleMesh.StartAsync();
        const string blocked = """{"model":"gemini-public","messages":[{"role":"user","content":"block: this"}]}""";

        var (_, whole) = await mesh.Router.RouteAsync(RouterHost.Chat(blocked, stream: false, model: "gemini-public"));
        var (_, streamed) = await mesh.Router.RouteAsync(RouterHost.Chat(blocked, stream: true, model: "gemini-public"));

        Assert.Equal((400, "content_filter"), (whole!.Status, whole.Code));
        Assert.Equal((400, "content_filter", 0), (streamed!.Status, streamed.Code, streamed.ChunkCount));
        Assert.NotNull(whole.Usage);
    }

    [Fact]
    public async Task A_safety_stop_is_the_content_filter_finish_reason()
    {
        await using var mesh = await GoogleMesh.StartAsync("finish=SAFETY;tokens=2");

        var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));

        Assert.Equal("content_filter", (string?)JsonNode.Parse(routed!.Body!)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_finish_reason_without_an_openai_meaning_fails_the_call_and_says_which()
    {
        await using var mesh = await GoogleMesh.StartAsync("finish=MALFORMED_FUNCTION_CALL;tokens=2");

        var (_, whole) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));
        var (_, streamed) = await mesh.Router.RouteAsync(RouterHost.Chat(StreamBody, stream: true, model: "gemini-public"));

        Assert.Equal((502, "upstream_error"), (whole!.Status, whole.Code));
        Assert.Contains("MALFORMED_FUNCTION_CALL", whole.Message, StringComparison.Ordinal);
        // The role chunk and the first word went out before the finish reason came.
        Assert.Equal((502, "upstream_stream_error", 2), (streamed!.Status, streamed.Code, streamed.ChunkCount));
        Assert.Contains("MALFORMED_FUNCTION_CALL", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_mid_way_is_truncated_with_no_invented_finish()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=8;cutAfter=3");
        var request = RouterHost.Chat(StreamBody, stream: true, model: "gemini-public");

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(routed);
        // The role chunk and three words.
        Assert.Equal((502, "upstream_stream_truncated", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, 3);
        Assert.All(chunks, c => Assert.Null(JsonNode.Parse(c.Data)!["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public async Task An_error_event_inside_the_stream_fails_the_call_with_its_kind()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=6");
        var request = RouterHost.Chat("""{"model":"gemini-public","stream":true,"messages":[{"role":"user","content":"fail:UNAVAILABLE now"}]}""",
            stream: true, model: "gemini-public");

        var (_, failed) = await mesh.Router.RouteAsync(request);

        // The role chunk and two words.
        Assert.Equal((503, "upstream_overloaded", "truncated", 3), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
    }

    [Fact]
    public async Task A_field_gemini_cannot_honour_is_refused_before_any_call()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(
            """{"model":"gemini-public","messages":[{"role":"user","content":"hi"}],"logprobs":true}""", stream: false, model: "gemini-public"));

        Assert.Equal((400, "unsupported_parameter", "logprobs"), (failed!.Status, failed.Code, failed.Param));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task Serves_embeddings_with_estimated_usage()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        var (routed, failed) = await mesh.Router.RouteAsync(GoogleMesh.Embeddings(
            """{"model":"gemini-embed","input":["one two","three"],"dimensions":4}""", "gemini-embed"));

        Assert.Null(failed);
        var answer = JsonNode.Parse(routed!.Body!)!;
        Assert.Equal(2, answer["data"]!.AsArray().Count);
        Assert.All(answer["data"]!.AsArray(), d => Assert.Equal(4, d!["embedding"]!.AsArray().Count));
        Assert.True(routed.Usage!.Estimated);
        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/v1beta/models/text-embedding-004:batchEmbedContents", recorded.Path);
    }

    [Fact]
    public async Task The_key_appears_in_no_message_and_no_log_line()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "gemini-public"));
        await mesh.Router.RouteAsync(RouterHost.Chat(StreamBody, stream: true, model: "gemini-public"));

        Assert.DoesNotContain(mesh.Router.Tap.Seen, m => m.Contains(GoogleMesh.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains(GoogleMesh.Key, StringComparison.Ordinal));
    }
}
