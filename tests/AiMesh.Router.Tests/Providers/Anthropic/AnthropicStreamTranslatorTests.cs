using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;

namespace AiMesh.Router.Tests.Providers.Anthropic;

public sealed class AnthropicStreamTranslatorTests
{
    private const string Question = """{"model":"claude-public","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string QuestionWithUsage = """{"model":"claude-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";
    private const string Head = """{"id":"chatcmpl-msg_1","object":"chat.completion.chunk","created":1700000000,"model":"claude-public","choices":""";

    [Fact]
    public void A_text_stream_gives_exactly_the_chunks_openai_sends()
    {
        var steps = Translate(Call(Question, stream: true), AnthropicStreams.Text.Select(Event));

        Assert.Equal(
        [
            // The role chunk goes out with the first text, as OpenAI's first chunk (message_start says nothing for the client).
            (StreamStepKind.Skip, ""),
            (StreamStepKind.Skip, ""),
            (StreamStepKind.Skip, ""),
            (StreamStepKind.Forward, Head + """[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"""
                + "\n" + Head + """[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}"""),
            (StreamStepKind.Forward, Head + """[{"index":0,"delta":{"content":" \"wörld\"\n"},"logprobs":null,"finish_reason":null}]}"""),
            (StreamStepKind.Skip, ""),
            (StreamStepKind.Forward, Head + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""),
            (StreamStepKind.Done, ""),
        ], steps.Select(s => (s.Kind, string.Join('\n', TranslatedStream.Chunks([s])))));
        Assert.Equal(new TokenUsage(35, 1, CachedTokens: 10, CacheWriteTokens: 0), steps[0].Usage);
        Assert.Equal(new TokenUsage(35, 15, CachedTokens: 10, CacheWriteTokens: 0), steps[^1].Usage);
    }

    [Fact]
    public void With_include_usage_every_chunk_says_usage_null_and_a_usage_chunk_comes_last()
    {
        var steps = Translate(Call(QuestionWithUsage, stream: true), AnthropicStreams.Text.Select(Event));

        var forwarded = TranslatedStream.Chunks(steps.Where(s => s.Kind == StreamStepKind.Forward));
        Assert.Equal(4, forwarded.Count);
        Assert.All(forwarded, chunk => Assert.EndsWith(""","usage":null}""", chunk, StringComparison.Ordinal));
        var done = steps[^1];
        Assert.Equal(StreamStepKind.Done, done.Kind);
        Assert.Equal(
            Head + """[],"usage":{"prompt_tokens":35,"completion_tokens":15,"total_tokens":50,"prompt_tokens_details":{"cached_tokens":10,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""",
            done.Chunk);
    }

    [Fact]
    public void Thinking_and_tool_uses_stream_as_reasoning_and_indexed_tool_call_deltas()
    {
        var steps = Translate(Call(Question, stream: true), AnthropicStreams.ThinkingAndTools.Select(Event));
        var deltas = TranslatedStream.Chunks(steps.Where(s => s.Kind == StreamStepKind.Forward)).Select(c => JsonNode.Parse(c)!["choices"]![0]!).ToList();

        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        AssertJson("""{"reasoning_content":"Two "}""", deltas[1]["delta"]!);
        AssertJson("""{"reasoning_content":"lookups."}""", deltas[2]["delta"]!);
        AssertJson("""{"thinking_blocks":[{"type":"thinking","thinking":"Two lookups.","signature":"EqQBCgIYAhIM=="}]}""", deltas[3]["delta"]!);
        AssertJson("""{"content":"Checking."}""", deltas[4]["delta"]!);
        AssertJson("""{"tool_calls":[{"index":0,"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":""}}]}""", deltas[5]["delta"]!);
        AssertJson("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]}""", deltas[6]["delta"]!);
        AssertJson("""{"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]}""", deltas[7]["delta"]!);
        AssertJson("""{"tool_calls":[{"index":1,"id":"toolu_02","type":"function","function":{"name":"get_time","arguments":""}}]}""", deltas[8]["delta"]!);
        AssertJson("""{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}""", deltas[9]["delta"]!);
        Assert.Equal("tool_calls", (string?)deltas[10]["finish_reason"]);
        Assert.Equal(11, deltas.Count);
        Assert.Equal(new TokenUsage(35, 80, CachedTokens: 10, CacheWriteTokens: 0), steps[^1].Usage);
    }

    [Fact]
    public void A_redacted_thinking_block_is_handed_over_whole_when_it_ends()
    {
        var steps = Translate(Call(Question, stream: true), new[]
        {
            AnthropicStreams.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va=="}}""",
            """{"type":"content_block_stop","index":0}""",
        }.Select(Event));

        Assert.Equal(StreamStepKind.Skip, steps[1].Kind);
        AssertJson("""{"thinking_blocks":[{"type":"redacted_thinking","data":"EmwKAhgBEgy3va=="}]}""", JsonNode.Parse(TranslatedStream.Chunks([steps[2]])[^1])!["choices"]![0]!["delta"]!);
    }

    [Fact]
    public void A_matched_stop_sequence_is_named_on_the_finish_chunk()
    {
        var steps = Translate(Call(Question, stream: true), new[]
        {
            AnthropicStreams.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"1, 2, 3, "}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"4"},"usage":{"output_tokens":9}}""",
            """{"type":"message_stop"}""",
        }.Select(Event));

        var finish = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!["choices"]![0]!).Last(c => c["finish_reason"] is not null);
        Assert.Equal("stop", (string?)finish["finish_reason"]);
        Assert.Equal("4", (string?)finish["stop_sequence"]);
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
    }

    [Fact]
    public void The_forced_json_tool_streams_as_content_and_finishes_with_stop()
    {
        var call = Call("""{"model":"x","stream":true,"messages":[],"response_format":{"type":"json_object"}}""", stream: true);
        var steps = Translate(call, new[]
        {
            AnthropicStreams.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json_response","input":{}}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}""",
            AnthropicStreams.MessageStop,
        }.Select(Event));

        var deltas = TranslatedStream.Chunks(steps.Where(s => s.Kind == StreamStepKind.Forward)).Select(c => JsonNode.Parse(c)!["choices"]![0]!).ToList();
        Assert.Equal(["{\"a\":", "1}"], deltas.Skip(1).Take(2).Select(d => (string?)d["delta"]!["content"]));
        Assert.Equal("stop", (string?)deltas[^1]["finish_reason"]);
        Assert.DoesNotContain(deltas, d => d["delta"]!["tool_calls"] is not null);
    }

    [Theory]
    [InlineData("overloaded_error", nameof(UpstreamErrorKind.Overloaded))]
    [InlineData("rate_limit_error", nameof(UpstreamErrorKind.RateLimited))]
    [InlineData("api_error", nameof(UpstreamErrorKind.Unknown))]
    [InlineData("authentication_error", nameof(UpstreamErrorKind.AuthenticationFailed))]
    public void An_error_event_fails_the_stream_with_its_kind(string type, string kind)
    {
        var steps = Translate(Call(Question, stream: true), new[]
        {
            AnthropicStreams.MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Something: {{{type}}}"}}""",
        }.Select(Event));

        var failed = steps[^1];
        Assert.Equal(StreamStepKind.Failed, failed.Kind);
        Assert.Equal(Enum.Parse<UpstreamErrorKind>(kind), failed.Error!.Kind);
        Assert.Equal("Something: " + type, failed.Error.Message);
    }

    [Fact]
    public void An_error_event_before_message_start_fails_too()
    {
        var step = Adapter.CreateStreamTranslator(Call(Question, stream: true))
            .Translate(new SseEvent("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));

        Assert.Equal((StreamStepKind.Failed, UpstreamErrorKind.Overloaded), (step.Kind, step.Error!.Kind));
    }

    [Fact]
    public void Reads_the_event_type_from_the_event_name_when_the_data_has_none()
    {
        var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));

        var start = translator.Translate(Event(AnthropicStreams.MessageStart));
        Assert.Equal((StreamStepKind.Skip, 35), (start.Kind, start.Usage!.PromptTokens));
        Assert.Equal(StreamStepKind.Done, translator.Translate(new SseEvent("message_stop", "{}")).Kind);
    }

    [Fact]
    public void Pings_unknown_events_and_unknown_deltas_give_the_client_nothing()
    {
        var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));
        translator.Translate(Event(AnthropicStreams.MessageStart));
        translator.Translate(Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));

        Assert.Equal(StreamStepKind.Skip, translator.Translate(Event(AnthropicStreams.Ping)).Kind);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(Event("""{"type":"future_event","x":1}""")).Kind);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(Event("""{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}""")).Kind);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(Event("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}""")).Kind);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(Event("""{"type":"message_start","message":{"id":"again"}}""")).Kind);
    }

    [Fact]
    public void A_message_stop_without_a_stop_reason_ends_the_stream_without_inventing_a_finish_reason()
    {
        var steps = Translate(Call(Question, stream: true), new[] { AnthropicStreams.MessageStart, AnthropicStreams.MessageStop }.Select(Event));

        // The role chunk alone goes out with the end, since nothing else said it.
        Assert.Equal([StreamStepKind.Skip, StreamStepKind.Done], steps.Select(s => s.Kind));
        Assert.Equal("assistant", (string?)JsonNode.Parse(steps[1].Chunk!)!["choices"]![0]!["delta"]!["role"]);
        Assert.DoesNotContain("\"finish_reason\":\"", steps[1].Chunk, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_delta_without_a_stop_reason_only_updates_the_usage()
    {
        var steps = Translate(Call(Question, stream: true), new[]
        {
            AnthropicStreams.MessageStart,
            """{"type":"message_delta","delta":{},"usage":{"output_tokens":3}}""",
        }.Select(Event));

        Assert.Equal((StreamStepKind.Skip, 3), (steps[1].Kind, steps[1].Usage!.CompletionTokens));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"early"}}""")]
    [InlineData("""{"type":"message_start"}""")]
    public void Unreadable_events_or_content_before_message_start_fail_clearly(string data)
    {
        var step = Adapter.CreateStreamTranslator(Call(Question, stream: true)).Translate(new SseEvent("message", data));

        Assert.Equal(StreamStepKind.Failed, step.Kind);
        Assert.Equal("The provider sent a stream event the router could not read.", step.Error!.Message);
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":5,"delta":{"type":"text_delta","text":"x"}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":{}}}""")]
    [InlineData("""{"type":"content_block_delta","index":"0","delta":{"type":"text_delta","text":"x"}}""")]
    [InlineData("""{"type":"content_block_stop","index":9}""")]
    [InlineData("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","name":"f"}}""")]
    [InlineData("""{"type":"content_block_start","index":1}""")]
    public void Events_that_break_the_protocol_fail_clearly(string data)
    {
        var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));
        translator.Translate(Event(AnthropicStreams.MessageStart));
        translator.Translate(Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));

        Assert.Equal(StreamStepKind.Failed, translator.Translate(new SseEvent("message", data)).Kind);
    }

    [Fact]
    public void Text_with_every_kind_of_escape_survives_the_translation()
    {
        var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));
        translator.Translate(Event(AnthropicStreams.MessageStart));
        translator.Translate(Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
        const string text = "tab\t quote\" backslash\\ nul\u0000 line\u2028 emoji😀 <script>&";
        var data = new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text } };

        var chunk = TranslatedStream.Chunks([translator.Translate(new SseEvent("content_block_delta", data.ToJsonString()))])[^1];

        Assert.Equal(text, (string?)JsonNode.Parse(chunk)!["choices"]![0]!["delta"]!["content"]);
        Assert.Contains("<script>&", chunk, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(chunk) > 0);
    }

    private static void AssertJson(string expected, JsonNode actual) => AnthropicRequestTests.AssertJson(expected, actual);
}
