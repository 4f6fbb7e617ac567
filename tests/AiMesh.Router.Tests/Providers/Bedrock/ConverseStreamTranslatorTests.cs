using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Bedrock;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class ConverseStreamTranslatorTests
{
    private readonly BedrockAdapter adapter = new(new FixedTime());

    [Fact]
    public void Translates_a_tool_answer_chunk_by_chunk_and_ends_after_stop_and_metadata()
    {
        var steps = Translate(EventStreamFrames.ToolAnswer(), includeUsage: false);

        Assert.Equal(
            // messageStart says nothing yet: the role chunk goes out with the first text, as OpenAI's first chunk.
            [StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Forward,
             StreamStepKind.Forward, StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Done],
            steps.Select(s => s.Kind));
        const string head = """ "id":"chatcmpl-0f8fad5bd9cb469fa16570867728950e","object":"chat.completion.chunk","created":1440938160,"model":"claude-haiku" """;
        string[] expected =
        [
            "{" + head + ""","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}""",
            "{" + head + ""","choices":[{"index":0,"delta":{"content":"Let me check"},"logprobs":null,"finish_reason":null}]}""",
            "{" + head + ""","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
            "{" + head + ""","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}]}""",
            "{" + head + ""","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]}""",
            "{" + head + ""","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}""",
        ];
        var chunks = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)).ToArray();
        Assert.Equal(expected.Length, chunks.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), chunks[i]), chunks[i]!.ToJsonString());
        }

        // Usage comes with the end even when the client did not ask to see it: the router meters it.
        Assert.Equal(new TokenUsage(25, 9, 5), steps[^1].Usage);
        Assert.Null(steps[^1].Chunk);
    }

    [Fact]
    public void Sends_the_usage_chunk_with_the_end_when_the_client_asked_for_it()
    {
        var steps = Translate(EventStreamFrames.ToolAnswer(), includeUsage: true);

        var last = JsonNode.Parse(steps[^1].Chunk!)!;
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        Assert.Empty(last["choices"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"prompt_tokens":25,"completion_tokens":9,"total_tokens":34,"prompt_tokens_details":{"cached_tokens":5,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"""), last["usage"]));
        // Every other chunk says "usage": null, as OpenAI's do with include_usage.
        Assert.All(steps.SkipLast(1).Where(s => s.Chunk is not null), s => Assert.Equal("null", JsonNode.Parse(s.Chunk!)!["usage"]?.ToJsonString() ?? "null"));
        Assert.All(steps.SkipLast(1).Where(s => s.Chunk is not null), s => Assert.True(JsonNode.Parse(s.Chunk!)!.AsObject().ContainsKey("usage")));
    }

    [Fact]
    public void Is_not_done_at_message_stop_alone_and_handles_metadata_first()
    {
        var translator = Translator(includeUsage: true);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(new SseEvent("messageStart", """{"role":"assistant"}""")).Kind);
        var metadata = translator.Translate(new SseEvent("metadata", """{"usage":{"inputTokens":3,"outputTokens":1,"totalTokens":4}}"""));
        Assert.Equal((StreamStepKind.Skip, new TokenUsage(3, 1)), (metadata.Kind, metadata.Usage));

        var stop = translator.Translate(new SseEvent("messageStop", """{"stopReason":"max_tokens"}"""));
        Assert.Equal(StreamStepKind.Done, stop.Kind);
        // Nothing was said before the end: the role chunk first, then the finish, then the usage chunk.
        var chunks = TranslatedStream.Chunks([stop]).Select(c => JsonNode.Parse(c)!).ToList();
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("length", (string?)chunks[1]["choices"]![0]!["finish_reason"]);
        Assert.True(chunks[1].AsObject().ContainsKey("usage"));
        Assert.Null(chunks[1]["usage"]);
        Assert.Empty(chunks[2]["choices"]!.AsArray());
        Assert.Equal(4, (int)chunks[2]["usage"]!["total_tokens"]!);

        var plain = Translator(includeUsage: false);
        Assert.Equal(StreamStepKind.Forward, plain.Translate(new SseEvent("messageStop", """{"stopReason":"end_turn"}""")).Kind);
    }

    [Theory]
    [InlineData("throttlingException", nameof(UpstreamErrorKind.RateLimited))]
    [InlineData("serviceUnavailableException", nameof(UpstreamErrorKind.Overloaded))]
    [InlineData("modelNotReadyException", nameof(UpstreamErrorKind.Overloaded))]
    [InlineData("modelStreamErrorException", nameof(UpstreamErrorKind.Unknown))]
    [InlineData("internalServerException", nameof(UpstreamErrorKind.Unknown))]
    [InlineData("validationException", nameof(UpstreamErrorKind.InvalidRequest))]
    [InlineData("someFutureException", nameof(UpstreamErrorKind.Unknown))]
    public void Exception_events_fail_the_call_with_their_kind(string type, string kind)
    {
        var step = Translator().Translate(new SseEvent(type, """{"message":"It went wrong."}"""));

        Assert.Equal(StreamStepKind.Failed, step.Kind);
        Assert.Equal((Enum.Parse<UpstreamErrorKind>(kind), "It went wrong."), (step.Error!.Kind, step.Error.Message));
    }

    [Fact]
    public void A_too_long_input_in_a_validation_exception_is_context_length_exceeded()
    {
        var step = Translator().Translate(new SseEvent("validationException", """{"message":"Input is too long for requested model."}"""));
        Assert.Equal(UpstreamErrorKind.ContextLengthExceeded, step.Error!.Kind);
    }

    [Fact]
    public void A_generic_error_message_fails_the_call()
    {
        var step = Translator().Translate(new SseEvent(EventStreamDecoder.ErrorEvent, """{"code":"InternalFailure","message":"boom"}"""));
        Assert.Equal((StreamStepKind.Failed, "boom"), (step.Kind, step.Error!.Message));
    }

    [Theory]
    [InlineData("messageStop", """{"stopReason":"malformed_model_output"}""")]
    [InlineData("contentBlockDelta", """{"contentBlockIndex":3,"delta":{"toolUse":{"input":"{}"}}}""")]
    [InlineData("contentBlockDelta", "not json")]
    [InlineData("contentBlockStart", """{"start":{"toolUse":{"name":"f"}}}""")]
    [InlineData("messageStart", "[]")]
    public void Unreadable_events_and_meaningless_stops_fail_rather_than_invent(string type, string data)
    {
        Assert.Equal(StreamStepKind.Failed, Translator().Translate(new SseEvent(type, data)).Kind);
    }

    [Fact]
    public void Skips_what_openai_chat_has_no_place_for()
    {
        var translator = Translator();
        Assert.Equal(StreamStepKind.Skip, translator.Translate(new SseEvent("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}""")).Kind);
        Assert.Equal(StreamStepKind.Skip, translator.Translate(new SseEvent("somethingNew", "{}")).Kind);
        // Content before any messageStart still opens with the role chunk.
        var first = TranslatedStream.Chunks([translator.Translate(new SseEvent("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"a"}}"""))])
            .Select(c => JsonNode.Parse(c)!["choices"]![0]!["delta"]!).ToList();
        Assert.Equal(("assistant", "", "a"), ((string?)first[0]["role"], (string?)first[0]["content"], (string?)first[1]["content"]));
    }

    [Fact]
    public void Random_events_never_throw()
    {
        var random = new Random(5);
        string[] types = ["messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata", "throttlingException", "error", "x"];
        string[] payloads =
        [
            "{}", "[]", "null", "\"s\"", "{\"contentBlockIndex\":\"0\"}", "{\"delta\":5}", "{\"delta\":{\"toolUse\":{\"input\":5}}}",
            "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"t\",\"name\":\"n\"}}}", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"x\"}}}",
            "{\"stopReason\":5}", "{\"usage\":{\"inputTokens\":-1,\"outputTokens\":99999999999}}", "{\"message\":7}", "{\"delta\":{\"text\":\"\\uD800\"}}", "{bad",
        ];
        for (var run = 0; run < 200; run++)
        {
            var translator = Translator(random.Next(2) == 0);
            for (var i = 0; i < 20; i++)
            {
                var step = translator.Translate(new SseEvent(types[random.Next(types.Length)], payloads[random.Next(payloads.Length)]));
                foreach (var chunk in TranslatedStream.Chunks([step]))
                {
                    Assert.NotNull(JsonNode.Parse(chunk));
                }
            }
        }
    }

    private IStreamTranslator Translator(bool includeUsage = false) => adapter.CreateStreamTranslator(BedrockCalls.Call(
        includeUsage ? """{"model":"claude-haiku","stream":true,"stream_options":{"include_usage":true},"messages":[]}""" : """{"model":"claude-haiku","stream":true,"messages":[]}""",
        stream: true));

    private List<StreamStep> Translate(byte[] stream, bool includeUsage)
    {
        var events = new List<SseEvent>();
        adapter.CreateStreamDecoder().Feed(stream, events);
        var translator = Translator(includeUsage);
        return events.Select(translator.Translate).ToList();
    }
}
