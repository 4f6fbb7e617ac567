using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiStreamTranslatorTests
{
    private const string Id = "chatcmpl-0f8fad5bd9cb469fa16570867728950e";
    private const string CallId = "call_0f8fad5bd9cb469fa16570867728950e";

    // As Gemini streams: prompt-only usage on early events, the last piece with finishReason and the full usage.
    private static readonly string TextStream = GeminiStreams.Sse(
        """{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4},"modelVersion":"gemini-2.5-flash"}""",
        """{"candidates":[{"content":{"parts":[{"text":"lo wörld"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}""",
        """{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":3,"thoughtsTokenCount":2,"totalTokenCount":9}}""");

    [Fact]
    public void Streams_text_with_the_role_first_and_ends_on_the_finishing_event_with_its_content()
    {
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("""{"stream":true}""", stream: true), TextStream);

        Assert.Equal([StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Done], steps.Select(s => s.Kind));
        const string head = $$"""{"id":"{{Id}}","object":"chat.completion.chunk","created":1750000000,"model":"gemini-public","choices":""";
        var expected = new[]
        {
            head + """[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"content":"lo wörld"},"logprobs":null,"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""",
        };
        Assert.Equal(expected, TranslatedStream.Chunks(steps));
        Assert.Equal(new TokenUsage(4, 5, null, 2), steps[^1].Usage);
    }

    [Fact]
    public void Puts_the_usage_on_the_last_chunk_and_null_usage_on_the_others_when_the_client_asked_for_it()
    {
        var call = GeminiCalls.Chat("""{"stream":true,"stream_options":{"include_usage":true}}""", stream: true);
        var chunks = TranslatedStream.Chunks(GeminiStreams.Translate(call, TextStream));

        Assert.Equal(6, chunks.Count);
        Assert.All(chunks[..^1], c => Assert.Equal("null", JsonNode.Parse(c)!["usage"]?.ToJsonString() ?? "null"));
        Assert.All(chunks[..^1], c => Assert.True(JsonNode.Parse(c)!.AsObject().ContainsKey("usage")));
        Assert.Equal("stop", (string?)JsonNode.Parse(chunks[^2])!["choices"]![0]!["finish_reason"]);
        Assert.Empty(JsonNode.Parse(chunks[^1])!["choices"]!.AsArray());
        var usage = JsonNode.Parse(chunks[^1])!["usage"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"prompt_tokens":4,"completion_tokens":5,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
             "completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}
            """), usage), usage.ToJsonString());
    }

    [Fact]
    public void Streams_function_calls_as_a_header_then_the_arguments_with_ids_indexes_and_the_tool_calls_finish()
    {
        var stream = GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"Checking."}],"role":"model"}}]}""",
            """{"candidates":[{"content":{"parts":[{"functionCall":{"name":"lookup","args":{"q":"a"}},"thoughtSignature":"c2ln"}],"role":"model"}}]}""",
            """{"candidates":[{"content":{"parts":[{"functionCall":{"name":"lookup","args":{"q":"b"}}}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2}}""");
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), stream);

        Assert.Equal([StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Done], steps.Select(s => s.Kind));
        var header = JsonNode.Parse(steps[1].Chunk!)!["choices"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$$"""
            {"index":0,"delta":{"tool_calls":[{"index":0,"id":"{{{CallId}}}_0_0~ts~c2ln","type":"function","function":{"name":"lookup","arguments":""}}]},"logprobs":null,"finish_reason":null}
            """), header), header.ToJsonString());
        var arguments = JsonNode.Parse(Assert.Single(steps[1].Then!))!["choices"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":\"a\"}"}}]},"logprobs":null,"finish_reason":null}
            """), arguments), arguments.ToJsonString());
        var last = TranslatedStream.Chunks([steps[2]]).Select(c => JsonNode.Parse(c)!["choices"]![0]!).ToList();
        Assert.Equal(3, last.Count);
        Assert.Equal(1, (int)last[0]["delta"]!["tool_calls"]![0]!["index"]!);
        Assert.Equal(CallId + "_0_1", (string?)last[0]["delta"]!["tool_calls"]![0]!["id"]);
        Assert.Equal(("""{"q":"b"}""", 1), ((string?)last[1]["delta"]!["tool_calls"]![0]!["function"]!["arguments"], (int)last[1]["delta"]!["tool_calls"]![0]!["index"]!));
        Assert.Equal("tool_calls", (string?)last[2]["finish_reason"]);
    }

    [Fact]
    public void A_tool_call_only_answer_starts_with_role_and_null_content()
    {
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}],"role":"model"},"finishReason":"STOP"}]}"""));
        var delta = JsonNode.Parse(Assert.Single(steps).Chunk!)!["choices"]![0]!["delta"]!;
        Assert.Equal("assistant", (string?)delta["role"]);
        Assert.True(delta.AsObject().ContainsKey("content"));
        Assert.Null(delta["content"]);
        Assert.Equal(StreamStepKind.Done, steps[0].Kind);
    }

    [Fact]
    public void Ends_only_when_every_candidate_has_finished()
    {
        var stream = GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"text":"b"}]},"index":1}]}""",
            """{"candidates":[{"content":{"parts":[{"text":"."}]},"finishReason":"STOP"},{"content":{"parts":[{"text":"c"}]},"index":1}]}""",
            """{"candidates":[{"content":{"parts":[{"text":"!"}]},"finishReason":"MAX_TOKENS","index":1}]}""");
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("""{"n":2}""", stream: true), stream);

        Assert.Equal([StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Done], steps.Select(s => s.Kind));
        var firstChoices = JsonNode.Parse(steps[0].Chunk!)!["choices"]!.AsArray();
        Assert.Equal([0, 1], firstChoices.Select(c => (int)c!["index"]!));
        Assert.All(firstChoices, c => Assert.Equal("assistant", (string?)c!["delta"]!["role"]));
        Assert.Equal("stop", (string?)JsonNode.Parse(Assert.Single(steps[1].Then!))!["choices"]![0]!["finish_reason"]);
        var last = Assert.Single(JsonNode.Parse(Assert.Single(steps[2].Then!))!["choices"]!.AsArray())!;
        Assert.Equal((1, "length"), ((int)last["index"]!, (string?)last["finish_reason"]));
    }

    [Fact]
    public void A_stream_without_a_finish_reason_never_says_done()
    {
        var stream = GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}}]}""",
            """{"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2}}""");
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), stream);

        Assert.Equal([StreamStepKind.Forward, StreamStepKind.Forward], steps.Select(s => s.Kind));
        Assert.All(steps, s => Assert.Null(JsonNode.Parse(s.Chunk!)!["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public void Events_with_nothing_for_the_client_are_skipped_but_keep_their_usage()
    {
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}""",
            """{"candidates":[{"content":{"parts":[{"text":""}]}}],"usageMetadata":{"promptTokenCount":3}}""",
            """{"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}"""));
        Assert.Equal([StreamStepKind.Forward, StreamStepKind.Skip, StreamStepKind.Skip], steps.Select(s => s.Kind));
        Assert.Equal(new TokenUsage(3, 1), steps[^1].Usage);
    }

    [Fact]
    public void A_safety_stop_mid_stream_ends_with_content_filter()
    {
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"Some"}]}}]}""",
            """{"candidates":[{"finishReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH","blocked":true}]}]}"""));
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        var choice = JsonNode.Parse(steps[^1].Chunk!)!["choices"]![0]!;
        Assert.Equal("content_filter", (string?)choice["finish_reason"]);
        Assert.Empty(choice["delta"]!.AsObject());
    }

    [Fact]
    public void A_blocked_prompt_fails_the_stream_as_content_filtered()
    {
        var step = Assert.Single(GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":8}}""")));
        Assert.Equal((StreamStepKind.Failed, UpstreamErrorKind.ContentFiltered), (step.Kind, step.Error!.Kind));
    }

    [Theory]
    [InlineData("""{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}""", "RateLimited")]
    [InlineData("""{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""", "Overloaded")]
    [InlineData("""{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}""", "Unknown")]
    public void An_error_event_fails_the_stream_with_its_kind(string error, string errorKind)
    {
        var kind = Enum.Parse<UpstreamErrorKind>(errorKind);
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}""", error));
        Assert.Equal((StreamStepKind.Failed, kind), (steps[^1].Kind, steps[^1].Error!.Kind));
        Assert.NotNull(steps[^1].Error!.Message);
    }

    [Fact]
    public void A_finish_reason_without_an_openai_meaning_fails_the_stream()
    {
        var steps = GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}""",
            """{"candidates":[{"finishReason":"MALFORMED_FUNCTION_CALL"}]}"""));
        Assert.Equal(StreamStepKind.Failed, steps[^1].Kind);
        Assert.Equal("malformed_function_call", steps[^1].Error!.Code);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public void An_unreadable_event_is_a_clear_failure(string data)
    {
        var step = Assert.Single(GeminiStreams.Translate(GeminiCalls.Chat("{}", stream: true), GeminiStreams.Sse(data)));
        Assert.Equal(StreamStepKind.Failed, step.Kind);
    }

    [Fact]
    public void Gives_the_same_chunks_when_the_stream_is_split_at_every_byte()
    {
        var stream = TextStream + GeminiStreams.Sse("""{"candidates":[{"content":{"parts":[{"text":"never reached"}]}}]}""");
        var bytes = Encoding.UTF8.GetBytes(stream);
        var call = GeminiCalls.Chat("""{"stream_options":{"include_usage":true}}""", stream: true);
        var expected = GeminiStreams.Translate(call, bytes);
        Assert.Equal(3, expected.Count);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var steps = GeminiStreams.Translate(call, bytes[..split], bytes[split..]);
            Assert.True(expected.Select(TranslatedStream.Meaning).SequenceEqual(steps.Select(TranslatedStream.Meaning)), $"Split at byte {split} gave different steps.");
        }
    }

    [Fact]
    public void Gives_the_same_chunks_when_the_stream_arrives_one_byte_at_a_time()
    {
        var bytes = Encoding.UTF8.GetBytes(TextStream);
        var call = GeminiCalls.Chat("{}", stream: true);
        Assert.True(GeminiStreams.Translate(call, bytes).Select(TranslatedStream.Meaning)
            .SequenceEqual(GeminiStreams.Translate(call, [.. bytes.Select(b => new[] { b })]).Select(TranslatedStream.Meaning)));
    }
}
