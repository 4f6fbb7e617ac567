using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

public sealed class AnthropicStreamingTests : AnthropicMockTest
{
    [Fact]
    public async Task A_stream_sends_anthropics_event_sequence()
    {
        using var response = await PostMessagesAsync(MessagesBody("hello", stream: true), scenario: "tokens=3");
        var events = await ReadEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta",
             "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        var start = events[0].Data.GetProperty("message");
        Assert.Equal(0, start.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, start.GetProperty("stop_reason").ValueKind);
        Assert.Equal(3, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("This is a", string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(3, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/messages", WaitTimeout);
        Assert.True(recorded.Completed);
    }

    [Fact]
    public async Task Thinking_then_a_tool_use_stream_in_their_own_blocks()
    {
        var body = MessagesBody("please use a tool", stream: true, extra: $",\"tools\":[{Tool}],\"thinking\":{{\"type\":\"enabled\",\"budget_tokens\":1024}}");
        using var response = await PostMessagesAsync(body);
        var events = await ReadEventsAsync(response);

        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data).ToList();
        Assert.Equal([(0, "thinking"), (1, "tool_use")], starts.Select(s => (s.GetProperty("index").GetInt32(), s.GetProperty("content_block").GetProperty("type").GetString())));
        Assert.Equal(("toolu_mock_1", "lookup"), (starts[1].GetProperty("content_block").GetProperty("id").GetString(), starts[1].GetProperty("content_block").GetProperty("name").GetString()));
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal("Let me think this through.", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "thinking_delta").Select(d => d.GetProperty("thinking").GetString())));
        Assert.StartsWith("mock-sig-", Assert.Single(deltas, d => d.GetProperty("type").GetString() == "signature_delta").GetProperty("signature").GetString(), StringComparison.Ordinal);
        var json = deltas.Where(d => d.GetProperty("type").GetString() == "input_json_delta").Select(d => d.GetProperty("partial_json").GetString()).ToList();
        Assert.Equal("", json[0]);
        Assert.Equal("""{"mock":true}""", string.Concat(json));
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Cut_after_resets_the_connection_before_message_stop()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi", stream: true), scenario: "tokens=5;cutAfter=2");
        var text = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                text.AppendLine(line);
            }
        }
        catch (IOException)
        {
            // A reset connection: what a cut upstream looks like to the caller.
        }

        Assert.Equal(2, CountOf(text.ToString(), "event: content_block_delta"));
        Assert.DoesNotContain("message_stop", text.ToString(), StringComparison.Ordinal);
        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/messages", WaitTimeout);
        Assert.True(recorded.Aborted);
    }

    [Fact]
    public async Task A_stall_bounded_by_stall_carries_on()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi", stream: true), scenario: "tokens=3;stallAfter=1;stall=50");
        var events = await ReadEventsAsync(response);

        Assert.Equal("message_stop", events[^1].Name);
        Assert.Equal(3, events.Count(e => e.Name == "content_block_delta"));
    }

    [Theory]
    [InlineData("errorAfter=2", "overloaded_error")]
    [InlineData("errorAfter=2;errorStatus=429", "rate_limit_error")]
    [InlineData("errorAfter=99;errorStatus=500", "api_error")]
    public async Task Error_after_ends_the_stream_with_an_error_event(string scenario, string type)
    {
        using var response = await PostMessagesAsync(MessagesBody("hi", stream: true), scenario: "tokens=4;" + scenario);
        var events = await ReadEventsAsync(response);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("error", events[^1].Name);
        AssertError(events[^1].Data, type);
        Assert.DoesNotContain(events, e => e.Name is "message_delta" or "message_stop");
        Assert.Equal(scenario.StartsWith("errorAfter=2", StringComparison.Ordinal) ? 2 : 4, events.Count(e => e.Name == "content_block_delta"));
    }

    [Fact]
    public async Task NoUsage_leaves_usage_out_of_the_stream()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi", stream: true), scenario: "noUsage=1;tokens=1");
        var events = await ReadEventsAsync(response);

        Assert.False(events[0].Data.GetProperty("message").TryGetProperty("usage", out _));
        Assert.False(events[^2].Data.TryGetProperty("usage", out _));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
