using System.Net;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class StreamingTests : MockProviderTest
{
    [Fact]
    public async Task Stream_sends_role_then_one_chunk_per_token_then_finish_then_done()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hello", stream: true));
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SseReader.Done, events[^1]);
        var chunks = events[..^1].Select(SseReader.Parse).ToList();
        Assert.Equal(1 + 8 + 1, chunks.Count);
        Assert.All(chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal(chunks[0].GetProperty("id").GetString(), c.GetProperty("id").GetString());
            Assert.Equal("mock-gpt", c.GetProperty("model").GetString());
            Assert.False(c.TryGetProperty("usage", out _));
        });

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("", first.GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("finish_reason").ValueKind);

        var tokens = chunks[1..^1].Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()).ToList();
        Assert.Equal(["This", " is", " a", " deterministic", " reply", " from", " the", " AiMesh"], tokens);

        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Empty(last.GetProperty("delta").EnumerateObject());
    }

    [Fact]
    public async Task Include_usage_adds_a_usage_chunk_with_no_choices_before_done()
    {
        var body = ChatBody("hello there", stream: true, extra: ",\"stream_options\":{\"include_usage\":true}");
        using var response = await PostStreamAsync("v1/chat/completions", body, scenarioHeader: "tokens=3");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(SseReader.Done, events[^1]);
        var chunks = events[..^1].Select(SseReader.Parse).ToList();
        Assert.Equal(1 + 3 + 1 + 1, chunks.Count);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));

        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Stamp_writes_the_monotonic_clock_as_each_pieces_text_when_it_is_sent()
    {
        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hello", stream: true), scenarioHeader: "stamp=1;tokens=5;pace=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();
        var after = System.Diagnostics.Stopwatch.GetTimestamp();

        Assert.Equal(SseReader.Done, events[^1]);
        var stamps = events[1..^2].Select(e => SseReader.Parse(e).GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!)
            .Select(text =>
            {
                Assert.EndsWith(" ", text, StringComparison.Ordinal);
                return long.Parse(text.TrimEnd(), System.Globalization.CultureInfo.InvariantCulture);
            })
            .ToList();
        Assert.Equal(5, stamps.Count);
        Assert.All(stamps, s => Assert.InRange(s, before, after));
        Assert.Equal(stamps.Order(), stamps);
    }

    [Fact]
    public async Task NoUsage_suppresses_the_usage_chunk_even_when_asked_for()
    {
        var body = ChatBody("hello", stream: true, extra: ",\"stream_options\":{\"include_usage\":true}");
        using var response = await PostStreamAsync("v1/chat/completions", body, scenarioHeader: "noUsage=1;tokens=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(SseReader.Done, events[^1]);
        Assert.Equal(1 + 2 + 1, events.Count - 1);
        Assert.All(events[..^1], e => Assert.False(SseReader.Parse(e).TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Streamed_tool_call_sends_the_call_header_then_the_arguments_in_pieces()
    {
        var body = ChatBody("use a tool please", stream: true, extra: ""","tools":[{"type":"function","function":{"name":"lookup"}}]""");
        using var response = await PostStreamAsync("v1/chat/completions", body);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(SseReader.Done, events[^1]);
        var deltas = events[..^1].Select(e => SseReader.Parse(e).GetProperty("choices")[0]).ToList();
        Assert.Equal(1 + 3 + 1, deltas.Count);

        var header = deltas[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal("assistant", deltas[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(0, header.GetProperty("index").GetInt32());
        Assert.Equal("call_mock_1", header.GetProperty("id").GetString());
        Assert.Equal("function", header.GetProperty("type").GetString());
        Assert.Equal("lookup", header.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", header.GetProperty("function").GetProperty("arguments").GetString());

        var arguments = new StringBuilder();
        foreach (var piece in deltas[1..^1])
        {
            var call = piece.GetProperty("delta").GetProperty("tool_calls")[0];
            Assert.False(call.TryGetProperty("id", out _));
            arguments.Append(call.GetProperty("function").GetProperty("arguments").GetString());
        }

        Assert.Equal("""{"mock":true}""", arguments.ToString());
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Finish_overrides_the_finish_reason()
    {
        using var response = await PostStreamAsync("s/finish=content_filter;tokens=1/v1/chat/completions", ChatBody("hi", stream: true));
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal("content_filter", SseReader.Parse(events[^2]).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Paced_chunks_arrive_before_the_stream_is_finished()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true), scenarioHeader: "pace=200;tokens=5");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());

        var role = await sse.NextAsync();
        var firstToken = await sse.NextAsync();

        Assert.NotNull(role);
        Assert.Equal("This", SseReader.Parse(firstToken!).GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var inFlight = Assert.Single(Mock.Recorder.Snapshot());
        Assert.False(inFlight.Finished);
        Assert.False(inFlight.Completed);

        var rest = await sse.ReadAllAsync();
        Assert.Equal(SseReader.Done, rest[^1]);
        var done = await Mock.Recorder.WaitForAsync(r => r.Id == inFlight.Id, WaitTimeout);
        Assert.True(done.Completed);
        Assert.False(done.Cancelled);
    }

    [Fact]
    public async Task N_streams_a_chunk_per_choice()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true, extra: ",\"n\":2"), scenarioHeader: "tokens=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        var indices = events[..^1].Select(e => SseReader.Parse(e).GetProperty("choices")[0].GetProperty("index").GetInt32()).ToList();
        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1], indices);
    }
}
