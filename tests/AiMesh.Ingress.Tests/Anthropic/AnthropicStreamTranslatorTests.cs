using AiMesh.Ingress.Anthropic;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Tests.Anthropic;

/// <summary>The mesh's OpenAI chunks, as the router's adapters write them, fed one at a time; every event asserted.</summary>
public sealed class AnthropicStreamTranslatorTests
{
    private const string Head = """{"id":"chatcmpl-msg_01","object":"chat.completion.chunk","created":1,"model":"upstream-name","choices":[{"index":0,"delta":""";
    private const string Usage = """{"id":"chatcmpl-msg_01","object":"chat.completion.chunk","created":1,"model":"upstream-name","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":7,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":10,"cache_creation_tokens":5}}}""";

    private const string MessageStart = """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-public","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}""";

    [Fact]
    public void Text_is_one_block_and_the_message_ends_only_when_the_mesh_says_complete()
    {
        var stream = new AnthropicStreamTranslator { Model = "claude-public" };

        Expect(stream.Translate(Delta("""{"role":"assistant","content":"","refusal":null}""")), ("message_start", MessageStart));
        Expect(stream.Translate(Delta("""{"content":"Hel"}""")),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"""));
        Expect(stream.Translate(Delta("""{"content":"lo"}""")),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}"""));
        Expect(stream.Translate(Delta("{}", "stop")), ("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        Expect(stream.Translate(Usage));
        Expect(stream.End(null),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":15,"cache_creation_input_tokens":5,"cache_read_input_tokens":10,"output_tokens":7}}"""),
            ("message_stop", """{"type":"message_stop"}"""));
        Assert.True(stream.Ended);
        Expect(stream.End(null));
        Expect(stream.Translate(Delta("""{"content":"late"}""")));
    }

    [Fact]
    public void A_finish_naming_a_stop_sequence_ends_with_stop_reason_stop_sequence()
    {
        var stream = new AnthropicStreamTranslator { Model = "claude-public" };

        stream.Translate(Delta("""{"role":"assistant","content":"","refusal":null}"""));
        stream.Translate(Delta("""{"content":"1, 2, 3, "}"""));
        stream.Translate(Head + "{},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_sequence\":\"4\"}]}");
        var end = stream.End(null);

        var delta = System.Text.Json.JsonDocument.Parse(end.Single(e => e.Name == "message_delta").Data).RootElement.GetProperty("delta");
        Assert.Equal("stop_sequence", delta.GetProperty("stop_reason").GetString());
        Assert.Equal("4", delta.GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public void A_tool_call_is_a_tool_use_block_with_input_json_deltas()
    {
        var stream = Started();

        Expect(stream.Translate(Delta("""{"tool_calls":[{"index":0,"id":"toolu_9","type":"function","function":{"name":"get_weather","arguments":""}}]}""")),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{}}}"""));
        Expect(stream.Translate(Delta("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}""")),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}"""));
        Expect(stream.Translate(Delta("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}""")),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}"""));
        Expect(stream.Translate(Delta("{}", "tool_calls")), ("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        Assert.Equal("tool_use", StopReason(stream.End(null)));
    }

    [Fact]
    public void Thinking_streams_as_thinking_deltas_and_the_signature_closes_the_block()
    {
        var stream = Started();

        Expect(stream.Translate(Delta("""{"reasoning_content":"Let me "}""")),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}}"""));
        Expect(stream.Translate(Delta("""{"reasoning_content":"think."}""")),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"think."}}"""));
        Expect(stream.Translate(Delta("""{"thinking_blocks":[{"type":"thinking","thinking":"Let me think.","signature":"sig-abc"}]}""")),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig-abc"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        Expect(stream.Translate(Delta("""{"content":"Yes."}""")),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Yes."}}"""));
    }

    [Fact]
    public void Several_blocks_in_a_row_each_get_their_own_index_and_are_closed_in_order()
    {
        var stream = Started();
        var events = new List<AnthropicEvent>();
        foreach (var delta in new[]
        {
            """{"thinking_blocks":[{"type":"redacted_thinking","data":"opaque"}]}""",
            """{"thinking_blocks":[{"type":"thinking","thinking":"whole","signature":"s"}]}""",
            """{"content":"Calling."}""",
            """{"tool_calls":[{"index":0,"id":"t0","type":"function","function":{"name":"a","arguments":"{}"}}]}""",
            """{"tool_calls":[{"index":1,"id":"t1","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]}""",
        })
        {
            events.AddRange(stream.Translate(Delta(delta)));
        }

        events.AddRange(stream.Translate(Delta("{}", "tool_calls")));
        events.AddRange(stream.End(null));

        Assert.Equal(
            [
                ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"opaque"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"whole"}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"s"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
                ("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Calling."}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":2}"""),
                ("content_block_start", """{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"t0","name":"a","input":{}}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":3}"""),
                ("content_block_start", """{"type":"content_block_start","index":4,"content_block":{"type":"tool_use","id":"t1","name":"b","input":{}}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"{\"x\":1}"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":4}"""),
                ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}"""),
                ("message_stop", """{"type":"message_stop"}"""),
            ],
            events.Select(e => (e.Name, e.Data)));
    }

    [Fact]
    public void An_error_mid_stream_ends_it_with_one_error_event_and_never_a_message_stop()
    {
        var stream = Started();
        stream.Translate(Delta("""{"content":"partial"}"""));

        Expect(stream.End(new ApiError(502, "api_error", "upstream_stream_truncated", "The provider ended the stream early.")),
            ("error", """{"type":"error","error":{"type":"api_error","message":"The provider ended the stream early."}}"""));
        Expect(stream.End(null));
        Expect(stream.Translate(Delta("{}", "stop")));
    }

    [Fact]
    public void A_rate_limit_mid_stream_is_a_rate_limit_error_event()
    {
        var stream = Started();

        Expect(stream.End(new ApiError(429, "rate_limit_error", "rate_limit_exceeded", "Slow down.", RetryAfterSeconds: 3)),
            ("error", """{"type":"error","error":{"type":"rate_limit_error","message":"Slow down."}}"""));
    }

    [Fact]
    public void A_stream_the_mesh_calls_complete_without_a_finish_reason_is_still_an_error()
    {
        var stream = Started();
        stream.Translate(Delta("""{"content":"no end"}"""));

        var events = stream.End(null);

        Assert.Equal(["error"], events.Select(e => e.Name));
        Assert.Contains("without a stop reason", events[0].Data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"\\ud800\"")]
    public void An_unreadable_chunk_ends_the_stream_in_an_error(string chunk)
    {
        var stream = Started();

        Assert.Equal(["error"], stream.Translate(chunk).Select(e => e.Name));
        Assert.True(stream.Ended);
        Expect(stream.End(null));
    }

    [Fact]
    public void A_tool_call_resumed_after_another_began_cannot_be_expressed_and_fails_the_stream()
    {
        var stream = Started();
        stream.Translate(Delta("""{"tool_calls":[{"index":0,"id":"a","function":{"name":"a","arguments":"{"}}]}"""));
        stream.Translate(Delta("""{"tool_calls":[{"index":1,"id":"b","function":{"name":"b","arguments":"{}"}}]}"""));

        var events = stream.Translate(Delta("""{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}"""));

        Assert.Equal("error", events[^1].Name);
        Assert.True(stream.Ended);
    }

    // finish_reason, stop_reason
    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("content_filter", "refusal")]
    [InlineData("pause_turn", "pause_turn")]
    public void Finish_reasons_become_stop_reasons(string finish, string stop)
    {
        var stream = Started();
        stream.Translate(Delta("{}", finish));

        Assert.Equal(stop, StopReason(stream.End(null)));
    }

    [Fact]
    public void The_message_id_and_model_come_from_the_answer_when_the_client_model_is_unknown()
    {
        var stream = new AnthropicStreamTranslator();

        var start = stream.Translate("""{"id":"chatcmpl-xyz","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant"}}]}""");

        Assert.Contains("\"id\":\"msg_xyz\"", start[0].Data, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-x\"", start[0].Data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ping_is_anthropics_ping_event()
    {
        Assert.Equal("event: ping\ndata: {\"type\":\"ping\"}\n\n", AnthropicStreamTranslator.Ping.ToString());
    }

    private static AnthropicStreamTranslator Started()
    {
        var stream = new AnthropicStreamTranslator { Model = "claude-public" };
        stream.Translate(Delta("""{"role":"assistant","content":""}"""));
        return stream;
    }

    private static string Delta(string delta, string? finish = null) =>
        Head + delta + ",\"logprobs\":null,\"finish_reason\":" + (finish is null ? "null" : $"\"{finish}\"") + "}]}";

    private static string? StopReason(IReadOnlyList<AnthropicEvent> events)
    {
        var delta = events.Single(e => e.Name == "message_delta");
        return System.Text.Json.JsonDocument.Parse(delta.Data).RootElement.GetProperty("delta").GetProperty("stop_reason").GetString();
    }

    private static void Expect(IReadOnlyList<AnthropicEvent> events, params (string Name, string Data)[] expected) =>
        Assert.Equal(expected, events.Select(e => (e.Name, e.Data)));
}
