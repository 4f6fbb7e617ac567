using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Providers.Mistral.MistralCalls;
using static AiMesh.Router.Tests.Support.JsonAssert;

namespace AiMesh.Router.Tests.Providers.Mistral;

public sealed class MistralResponseTests
{
    private const string Question = """{"model":"mistral-public","messages":[{"role":"user","content":"hi"}]}""";
    private const string UsageQuestion = """{"model":"mistral-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void A_whole_answer_becomes_openais_with_thinking_as_reasoning_and_string_arguments()
    {
        const string answer = """
            {"id":"cf79f7da","object":"chat.completion","created":1700000000,"model":"magistral-small-latest",
             "choices":[{"index":0,"message":{"role":"assistant","content":[
                 {"type":"thinking","thinking":[{"type":"text","text":"Let me see."}]},{"type":"text","text":"Paris"},{"type":"text","text":" it is."}],
               "tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}},"index":0}],"prefix":false},
               "finish_reason":"tool_calls"},
              {"index":1,"message":{"role":"assistant","content":"Cut","tool_calls":null},"finish_reason":"model_length"}],
             "usage":{"prompt_tokens":12,"total_tokens":30,"completion_tokens":18}}
            """;

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        AssertJson("""
            {"id":"chatcmpl-cf79f7da","object":"chat.completion","created":1700000000,"model":"mistral-public",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Paris it is.","refusal":null,"reasoning_content":"Let me see.",
                 "tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"},
              {"index":1,"message":{"role":"assistant","content":"Cut","refusal":null},"logprobs":null,"finish_reason":"length"}],
             "usage":{"prompt_tokens":12,"completion_tokens":18,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """, response.Body!);
        Assert.Equal(new TokenUsage(12, 18), response.Usage);
    }

    [Fact]
    public void A_message_of_only_tool_calls_has_null_content_where_mistral_sends_an_empty_string()
    {
        const string answer = """
            {"id":"t","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":"",
              "tool_calls":[{"id":"D681PevKs","type":"function","function":{"name":"f","arguments":"{}"},"index":0}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":1,"total_tokens":2,"completion_tokens":1}}
            """;

        var message = JsonNode.Parse(Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer)).Body!)!["choices"]![0]!["message"]!.AsObject();

        Assert.True(message.ContainsKey("content"));
        Assert.Null(message["content"]);
        Assert.Equal("f", (string?)message["tool_calls"]![0]!["function"]!["name"]);
    }

    [Theory]
    [InlineData("error")]
    [InlineData("something_new")]
    public void A_finish_reason_without_an_openai_meaning_fails_the_answer(string reason)
    {
        var answer = $$$"""{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"partial"},"finish_reason":"{{{reason}}}"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""";

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        Assert.False(response.IsValid);
        Assert.Contains($"finish reason {reason}", response.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, response.Usage!.PromptTokens);
    }

    [Fact]
    public void Embeddings_come_back_in_input_order_with_the_public_model_and_base64_when_asked()
    {
        const string answer = """
            {"id":"e1","object":"list","data":[{"object":"embedding","embedding":[0.5,-1],"index":1},{"object":"embedding","embedding":[0.25,2.0],"index":0}],
             "model":"mistral-embed","usage":{"prompt_tokens":6,"total_tokens":6,"completion_tokens":0}}
            """;

        var floats = Adapter.ReadResponse(Call("""{"model":"m","input":["a","b"]}""", api: "embeddings"), Encoding.UTF8.GetBytes(answer));
        var base64 = Adapter.ReadResponse(Call("""{"model":"m","input":["a","b"],"encoding_format":"base64"}""", api: "embeddings"), Encoding.UTF8.GetBytes(answer));

        AssertJson("""
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,2.0]},{"object":"embedding","index":1,"embedding":[0.5,-1]}],
             "model":"mistral-public","usage":{"prompt_tokens":6,"total_tokens":6}}
            """, floats.Body!);
        var bytes = Convert.FromBase64String((string)JsonNode.Parse(base64.Body!)!["data"]![1]!["embedding"]!);
        Assert.Equal([0.5f, -1f], [BitConverter.ToSingle(bytes, 0), BitConverter.ToSingle(bytes, 4)]);
        Assert.False(Adapter.ReadResponse(Call("""{"model":"m","input":"a"}""", api: "embeddings"), """{"data":[{"embedding":[1],"index":3}]}"""u8).IsValid);
    }

    [Theory]
    [InlineData("""{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","seed"],"msg":"Extra inputs are not permitted","input":1}]},"type":"invalid_request_error","param":null,"code":null}""",
        "InvalidRequest", "body.seed: Extra inputs are not permitted")]
    [InlineData("""{"object":"error","message":"Prompt contains 40321 tokens and 0 draft tokens, too large for model with 32768 maximum context length","type":"invalid_request_message_error","param":null,"code":"3051"}""",
        "ContextLengthExceeded", "Prompt contains 40321 tokens and 0 draft tokens, too large for model with 32768 maximum context length")]
    [InlineData("""{"message":"Unauthorized","request_id":"abc"}""", "AuthenticationFailed", "Unauthorized")]
    [InlineData("""{"message":"Requests rate limit exceeded"}""", "RateLimited", "Requests rate limit exceeded")]
    [InlineData("""{"object":"error","message":"Service tier capacity exceeded for this model.","type":"service_tier_capacity_exceeded","param":null,"code":"3505"}""",
        "RateLimited", "Service tier capacity exceeded for this model.")]
    [InlineData("""{"object":"error","message":"Internal server error","type":"internal_server_error","param":null,"code":"1000"}""", "Unknown", "Internal server error")]
    public void Errors_are_read_in_mistrals_shapes(string body, string kind, string message)
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes(body));

        Assert.Equal((Enum.Parse<UpstreamErrorKind>(kind), message), (error.Kind, error.Message));
    }

    [Fact]
    public void A_stream_becomes_openais_chunks_with_the_tool_call_as_header_and_arguments_and_the_finish_and_usage_apart()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(UsageQuestion, stream: true)), [StreamChecks.Sse(Events)]);

        // Mistral's first event (role, empty content) waits for what follows: the role goes out with the first text.
        Assert.Equal([StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Done],
            steps.Select(s => s.Kind));
        var chunks = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!).ToList();
        Assert.Equal(7, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(("chatcmpl-6f1b2c", "mistral-public", 1700000000L), ((string?)c["id"], (string?)c["model"], (long)c["created"]!)));
        Assert.All(chunks[..6], c => Assert.True(c.AsObject().ContainsKey("usage") && c["usage"] is null));
        AssertJson("""{"role":"assistant","content":"","refusal":null}""", Delta(chunks[0]));
        AssertJson("""{"content":"Hel\"lo"}""", Delta(chunks[1]));
        AssertJson("""{"content":" wörld 😀"}""", Delta(chunks[2]));
        AssertJson("""{"tool_calls":[{"index":0,"id":"D681PevKs","type":"function","function":{"name":"get_weather","arguments":""}}]}""", Delta(chunks[3]));
        AssertJson("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Paris\"}"}}]}""", Delta(chunks[4]));
        Assert.All(chunks[..5], c => Assert.Null((string?)c["choices"]![0]!["finish_reason"]));
        AssertJson("{}", Delta(chunks[5]));
        Assert.Equal("tool_calls", (string?)chunks[5]["choices"]![0]!["finish_reason"]);
        Assert.Empty(chunks[6]["choices"]!.AsArray());
        Assert.Equal(30, (int)chunks[6]["usage"]!["total_tokens"]!);
        Assert.Equal(new TokenUsage(12, 18), steps[^1].Usage);
    }

    [Fact]
    public void The_finish_on_the_last_content_and_a_tool_call_before_any_text_come_apart_as_openai_sends_them()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(UsageQuestion, stream: true)), [StreamChecks.Sse([
            """{"id":"b","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""",
            """{"id":"b","created":1,"choices":[{"index":0,"delta":{"content":"","tool_calls":[{"id":"A1b2C3d4E","function":{"name":"f","arguments":{"x":1}},"index":0}]},"finish_reason":null}]}""",
            """{"id":"b","created":1,"choices":[{"index":1,"delta":{"role":"assistant","content":"Done"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"total_tokens":5,"completion_tokens":3}}""",
            "[DONE]"])]);

        var deltas = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!["choices"]!.AsArray()).ToList();

        Assert.Equal(6, deltas.Count);
        AssertJson("""
            {"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"A1b2C3d4E","type":"function","function":{"name":"f","arguments":""}}],"refusal":null}
            """, deltas[0][0]!["delta"]!.ToJsonString());
        AssertJson("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}""", deltas[1][0]!["delta"]!.ToJsonString());
        Assert.Equal([0, 0, 1, 1, 1], deltas[..5].Select(d => (int)d[0]!["index"]!));
        AssertJson("""{"role":"assistant","content":"","refusal":null}""", deltas[2][0]!["delta"]!.ToJsonString());
        AssertJson("""{"content":"Done"}""", deltas[3][0]!["delta"]!.ToJsonString());
        Assert.Equal(("{}", "stop"), (deltas[4][0]!["delta"]!.ToJsonString(), (string?)deltas[4][0]!["finish_reason"]));
        Assert.Empty(deltas[5]);
        Assert.Equal(new TokenUsage(2, 3), steps[^1].Usage);
    }

    [Fact]
    public void A_tool_call_piece_without_an_id_before_any_call_fails_as_unreadable()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse([
            """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}""",
            "[DONE]"])]);

        Assert.Equal(StreamStepKind.Failed, Assert.Single(steps).Kind);
    }

    [Fact]
    public void Without_include_usage_no_usage_member_or_chunk_is_sent_but_usage_is_metered()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse(Events)]);

        Assert.Null(steps[^1].Chunk);
        Assert.All(steps.Where(s => s.Chunk is not null), s => Assert.False(JsonNode.Parse(s.Chunk!)!.AsObject().ContainsKey("usage")));
        Assert.Equal(new TokenUsage(12, 18), steps[^1].Usage);
    }

    [Theory]
    [InlineData("""{"object":"error","message":"Requests rate limit exceeded","type":"rate_limit_error","param":null,"code":"1300"}""", "RateLimited")]
    [InlineData("""{"id":"6f1b2c","choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}""", "Unknown")]
    [InlineData("not json", "Unknown")]
    public void An_error_or_a_broken_event_in_the_stream_fails_the_call(string data, string kind)
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse([Events[0], data, "[DONE]"])]);

        Assert.Equal((StreamStepKind.Failed, Enum.Parse<UpstreamErrorKind>(kind)), (steps[^1].Kind, steps[^1].Error!.Kind));
        Assert.Equal(2, steps.Count);
    }

    [Fact]
    public void A_first_delta_without_a_role_gets_openais_role_chunk_and_thinking_streams_as_reasoning()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse([
            """{"id":"a","created":1,"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"Hmm"}]}]},"finish_reason":null}]}""",
            """{"id":"a","created":1,"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"Yes"}]},"finish_reason":"stop"}]}""",
            "[DONE]"])]);

        var chunks = TranslatedStream.Chunks(steps).Select(c => JsonNode.Parse(c)!).ToList();
        AssertJson("""{"role":"assistant","content":"","refusal":null}""", Delta(chunks[0]));
        AssertJson("""{"reasoning_content":"Hmm"}""", Delta(chunks[1]));
        AssertJson("""{"content":"Yes"}""", Delta(chunks[2]));
        Assert.Equal(("{}", "stop"), (Delta(chunks[3]), (string?)chunks[3]["choices"]![0]!["finish_reason"]));
        Assert.Equal((4, StreamStepKind.Done), (chunks.Count, steps[^1].Kind));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_split_point_gives_the_same_steps(bool crlf) =>
        StreamChecks.SameStepsAtEverySplit(() => Adapter.CreateStreamTranslator(Call(UsageQuestion, stream: true)), StreamChecks.Sse(Events, crlf));

    [Fact]
    public async Task Mutated_streams_answers_errors_and_requests_never_throw()
    {
        var done = StreamChecks.MutatedStreamsNeverThrow(() => Adapter.CreateStreamTranslator(Call(UsageQuestion, stream: true)), Events, seed: 4242);
        Assert.InRange(done, 50, 599);

        var mutator = new Anthropic.JsonMutator(seed: 99);
        const string answer = """{"id":"x","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":"a","tool_calls":[{"id":"D681PevKs","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""";
        const string error = """{"object":"error","message":{"detail":[{"loc":["body","x"],"msg":"m"}]},"type":"invalid_request_error"}""";
        const string request = """
            {"model":"m","seed":1,"max_completion_tokens":5,"tool_choice":"required","messages":[{"role":"developer","content":"s"},
              {"role":"user","content":[{"type":"text","text":"q"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"r"}],"tools":[{"type":"function","function":{"name":"f"}}]}
            """;
        var valid = 0;
        for (var run = 0; run < 1000; run++)
        {
            var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(mutator.Mutate(answer)));
            if (response.IsValid)
            {
                valid++;
                Assert.Equal("chat.completion", (string?)JsonNode.Parse(response.Body!)!["object"]);
            }

            Assert.NotNull(Adapter.ReadError(Encoding.UTF8.GetBytes(mutator.Mutate(error))));
            if (AiMesh.Router.Routing.ClientRequest.TryParse(mutator.Mutate(request)) is { } parsed)
            {
                using var built = Adapter.BuildRequest(Call(parsed.ToJsonString(), stream: run % 2 == 0));
                var sent = JsonNode.Parse(await built.Content!.ReadAsStringAsync())!;
                Assert.Equal("mistral-small-latest", (string?)sent["model"]);
                Assert.Equal(parsed["messages"] is JsonArray, sent["messages"] is JsonArray);
            }
        }

        Assert.InRange(valid, 100, 999);
    }

    private static string Delta(JsonNode chunk) => chunk["choices"]![0]!["delta"]!.ToJsonString();
}
