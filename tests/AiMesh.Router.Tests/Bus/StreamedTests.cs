using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

public sealed class StreamedTests
{
    private const string Body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task Sends_every_event_as_a_chunk_in_order_and_captures_usage_without_showing_it()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=6");
        var request = RouterHost.Chat(Body, stream: true);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal((200, (string?)null, 1), (routed!.Status, routed.Body, routed.Attempts));
        Assert.NotNull(routed.FirstByteMs);
        // Role chunk, six content chunks, finish chunk; the usage chunk the router asked for stays hidden.
        Assert.Equal(8, routed.ChunkCount);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount);
        Assert.Equal(Enumerable.Range(0, routed.ChunkCount), chunks.Select(c => c.Sequence));
        Assert.All(chunks, c => Assert.DoesNotContain("[DONE]", c.Data, StringComparison.Ordinal));
        Assert.DoesNotContain(chunks, c => JsonNode.Parse(c.Data)!["choices"]!.AsArray().Count == 0);
        Assert.Equal("stop", (string?)JsonNode.Parse(chunks[^1].Data)!["choices"]![0]!["finish_reason"]);

        Assert.NotNull(routed.Usage);
        Assert.Equal(6, routed.Usage.CompletionTokens);
        Assert.True(routed.Usage.PromptTokens > 0);

        var sent = JsonNode.Parse(Assert.Single(mesh.Mock.Recorder.Snapshot()).Body)!;
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        Assert.Equal("mock-gpt", (string?)sent["model"]);
    }

    [Fact]
    public async Task Forwards_the_usage_chunk_when_the_client_asked_for_it()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=3");
        var request = RouterHost.Chat(
            """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""",
            stream: true);

        var (routed, _) = await mesh.Router.RouteAsync(request);

        Assert.Equal(6, routed!.ChunkCount);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount);
        var last = JsonNode.Parse(chunks[^1].Data)!;
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal(routed.Usage!.CompletionTokens, (int)last["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task A_stream_cut_mid_way_fails_as_truncated_with_the_chunks_sent_and_no_invented_finish()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=10;cutAfter=3");
        var request = RouterHost.Chat(Body, stream: true);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(routed);
        Assert.Equal((502, "api_error", "upstream_stream_truncated", "truncated"), (failed!.Status, failed.Type, failed.Code, failed.Outcome));
        Assert.Equal(("mock-chat", "openai", 1), (failed.Deployment, failed.Provider, failed.Attempts));
        // The role chunk and three content chunks made it out before the cut.
        Assert.Equal(4, failed.ChunkCount);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, failed.ChunkCount);
        Assert.Equal(Enumerable.Range(0, 4), chunks.Select(c => c.Sequence));
        Assert.All(chunks, c => Assert.Equal(JsonValueKind.Null, FinishReason(c)));
    }

    [Fact]
    public async Task A_stream_that_stalls_is_cancelled_after_the_idle_timeout()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=10;stallAfter=2", s => s["Router:Timeouts:Idle"] = "00:00:00.500");
        var request = RouterHost.Chat(Body, stream: true);

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((504, "upstream_stream_stalled", "truncated", 3), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var recorded = await mesh.Mock.Recorder.WaitForAsync(r => r.Path == "/v1/chat/completions", TimeSpan.FromSeconds(30));
        Assert.True(recorded.Cancelled);
    }

    [Fact]
    public async Task A_stream_whose_first_event_is_late_is_a_first_byte_timeout()
    {
        await using var mesh = await RouterMesh.StartAsync("ttft=5000", s => s["Router:Timeouts:FirstByte"] = "00:00:00.500");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: true));

        Assert.Equal((504, "upstream_timeout", "error", 0), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
    }

    [Fact]
    public async Task An_error_event_inside_the_stream_fails_the_call_with_the_message_redacted()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("stream-error")));
        var request = RouterHost.Chat(Body, stream: true);

        var (_, failed) = await router.RouteAsync(request);

        Assert.Equal((502, "upstream_stream_error", 1), (failed!.Status, failed.Code, failed.ChunkCount));
        Assert.StartsWith("The server had an error", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RouterHost.Key, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_answered_with_plain_json_is_an_invalid_response()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("json-for-stream")));

        var (_, failed) = await router.RouteAsync(RouterHost.Chat(Body, stream: true));

        Assert.Equal((502, "upstream_invalid_response", 0), (failed!.Status, failed.Code, failed.ChunkCount));
    }

    [Fact]
    public async Task Reads_a_stream_with_a_bom_and_crlf_line_ends_written_in_tiny_pieces()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("bom-crlf")));
        var request = RouterHost.Chat(Body, stream: true);

        var (routed, _) = await router.RouteAsync(request);

        Assert.Equal((1, new TokenUsage(2, 1)), (routed!.ChunkCount, routed.Usage));
        var chunk = Assert.Single(await router.Chunks.WaitForAsync(request.RequestId, 1));
        Assert.Equal("x", (string?)JsonNode.Parse(chunk.Data)!["choices"]![0]!["delta"]!["content"]);
    }

    private static JsonValueKind FinishReason(CompletionChunk chunk) =>
        JsonDocument.Parse(chunk.Data).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind;
}
