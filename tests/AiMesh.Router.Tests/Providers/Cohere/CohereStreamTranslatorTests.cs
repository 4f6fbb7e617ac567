using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

public sealed class CohereStreamTranslatorTests
{
    private const string Question = """{"model":"command-public","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string QuestionWithUsage = """{"model":"command-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";
    private const string Head = """{"id":"chatcmpl-29f14a5a-11de-4cae-9800-25e4747408ea","object":"chat.completion.chunk","created":1700000000,"model":"command-public","choices":""";

    [Fact]
    public void A_text_stream_gives_exactly_the_chunks_openai_sends()
    {
        var steps = Translate(Call(Question, stream: true), CohereStreams.Text);

        Assert.Equal(
        [
            Head + """[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}""",
            Head + """[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}""",
            Head + """[{"index":0,"delta":{"content":" \"wörld\"\n"},"logprobs":null,"finish_reason":null}]}""",
            Head + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""",
        ], TranslatedStream.Chunks(steps));
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        Assert.Equal(new TokenUsage(69, 2), steps[^1].Usage);
    }

    [Fact]
    public void With_include_usage_every_chunk_says_usage_null_and_a_usage_chunk_comes_last()
    {
        var chunks = TranslatedStream.Chunks(Translate(Call(QuestionWithUsage, stream: true), CohereStreams.Text));

        Assert.Equal(5, chunks.Count);
        Assert.All(chunks[..^1], chunk => Assert.EndsWith(""","usage":null}""", chunk, StringComparison.Ordinal));
        Assert.Equal(
            Head + """[],"usage":{"prompt_tokens":69,"completion_tokens":2,"total_tokens":71,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""",
            chunks[^1]);
    }

    [Fact]
    public void Tool_calls_stream_as_the_plan_then_indexed_headers_and_argument_deltas()
    {
        var steps = Translate(Call(Question, stream: true), CohereStreams.Tools);
        var deltas = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!["choices"]![0]!).ToList();

        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        string[] expected =
        [
            """{"role":"assistant","content":"","refusal":null}""",
            """{"content":"I will look"}""",
            """{"content":" it up."}""",
            """{"tool_calls":[{"index":0,"id":"get_weather_nsz5zm3w56q3","type":"function","function":{"name":"get_weather","arguments":""}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\":"}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"\"Toronto\"}"}}]}""",
            """{"tool_calls":[{"index":1,"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":""}}]}""",
            """{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}""",
            "{}",
        ];
        Assert.Equal(expected.Length, deltas.Count);
        Assert.All(expected.Zip(deltas), pair => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pair.First), pair.Second["delta"]), pair.Second.ToJsonString()));
        Assert.Equal("tool_calls", (string?)deltas[^1]["finish_reason"]);
        Assert.Equal(new TokenUsage(1032, 62, CachedTokens: 512), steps[^1].Usage);
    }

    [Fact]
    public void A_call_with_no_plan_before_it_shares_the_first_chunk_with_the_role_as_openai_s_does()
    {
        string[] events = [CohereStreams.MessageStart, .. CohereStreams.Tools[3..7], CohereStreams.Tools[^1]];

        var first = JsonNode.Parse(TranslatedStream.Chunks(Translate(Call(Question, stream: true), events))[0])!["choices"]![0]!["delta"]!;

        Assert.Equal(
            """{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"get_weather_nsz5zm3w56q3","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null}""",
            first.ToJsonString());
    }

    [Fact]
    public void An_answer_with_nothing_in_it_still_sends_the_role_before_the_finish()
    {
        var steps = Translate(Call(Question, stream: true), [CohereStreams.MessageStart, """{"type":"message-end","delta":{"finish_reason":"MAX_TOKENS"}}"""]);

        var chunks = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!["choices"]![0]!).ToList();
        Assert.Equal(["assistant", null], chunks.Select(c => (string?)c["delta"]!["role"]));
        Assert.Equal("length", (string?)chunks[1]["finish_reason"]);
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
    }

    [Fact]
    public void A_toxic_stop_finishes_with_content_filter()
    {
        string[] events = [.. CohereStreams.Text[..3], """{"type":"message-end","delta":{"finish_reason":"ERROR_TOXIC"}}"""];

        var steps = Translate(Call(Question, stream: true), events);

        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        Assert.Equal("content_filter", (string?)JsonNode.Parse(TranslatedStream.Chunks(steps)[^1])!["choices"]![0]!["finish_reason"]);
    }

    [Theory]
    [InlineData("""{"finish_reason":"ERROR","error":"service unavailable: the model is overloaded"}""", "Overloaded")]
    [InlineData("""{"finish_reason":"ERROR","error":"You are using a Trial key, which is limited"}""", "RateLimited")]
    [InlineData("""{"finish_reason":"ERROR"}""", "Unknown")]
    [InlineData("""{"finish_reason":"USER_CANCEL"}""", "Unknown")]
    public void A_stream_that_ends_in_error_fails_with_its_kind_and_invents_no_finish(string delta, string kind)
    {
        string[] events = [.. CohereStreams.Text[..3], $$$"""{"type":"message-end","delta":{{{delta}}}}"""];

        var steps = Translate(Call(Question, stream: true), events);

        Assert.Equal((StreamStepKind.Failed, Enum.Parse<UpstreamErrorKind>(kind)), (steps[^1].Kind, steps[^1].Error!.Kind));
        Assert.NotNull(steps[^1].Error!.Message);
        Assert.DoesNotContain(TranslatedStream.Chunks(steps), c => c.Contains("\"finish_reason\":\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"early"}}}}""")]
    [InlineData("""{"type":"message-end","delta":{"finish_reason":"COMPLETE"}}""")]
    public void Content_before_message_start_is_a_clear_failure(string early)
    {
        var step = Assert.Single(Translate(Call(Question, stream: true), [early]));

        Assert.Equal(StreamStepKind.Failed, step.Kind);
    }

    [Theory]
    [InlineData("""{"type":"tool-call-delta","index":5,"delta":{"message":{"tool_calls":{"function":{"arguments":"{}"}}}}}""")]
    [InlineData("""{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"type":"function","function":{"name":"f"}}}}}""")]
    [InlineData("""{"type":"content-delta","index":0,"delta":{"message":{"content":"flat"}}}""")]
    [InlineData("""{"type":"message-end","delta":{}}""")]
    [InlineData("""{"type":"error","message":"internal server error"}""")]
    public void An_event_that_breaks_the_stream_s_shape_fails_it(string broken)
    {
        var steps = Translate(Call(Question, stream: true), [CohereStreams.MessageStart, broken]);

        Assert.Equal(StreamStepKind.Failed, steps[^1].Kind);
    }

    [Fact]
    public void Gives_the_same_steps_when_the_stream_is_split_at_every_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(CohereSse(CohereStreams.Tools) + CohereSse([CohereStreams.Text[2]]));
        var call = Call(QuestionWithUsage, stream: true);
        var expected = Translate(call, bytes).Select(TranslatedStream.Meaning).ToList();
        Assert.Equal(StreamStepKind.Done, expected[^1].Kind);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var steps = Translate(Call(QuestionWithUsage, stream: true), bytes[..split], bytes[split..]).Select(TranslatedStream.Meaning);
            Assert.True(expected.SequenceEqual(steps), $"Split at byte {split} gave different steps.");
        }
    }

    [Fact]
    public void Gives_the_same_steps_when_the_stream_arrives_one_byte_at_a_time()
    {
        var bytes = Encoding.UTF8.GetBytes(CohereSse(CohereStreams.Text).Replace("\n", "\r\n", StringComparison.Ordinal));

        var whole = Translate(Call(Question, stream: true), bytes).Select(TranslatedStream.Meaning).ToList();
        var trickled = Translate(Call(Question, stream: true), [.. bytes.Select(b => new[] { b })]).Select(TranslatedStream.Meaning);

        Assert.Equal(4, TranslatedStream.Chunks(Translate(Call(Question, stream: true), bytes)).Count);
        Assert.True(whole.SequenceEqual(trickled));
    }
}
