using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;

namespace AiMesh.Router.Tests.Providers.Anthropic;

/// <summary>
/// Generated inputs with fixed seeds (reproducible): no exception escapes any Anthropic decoder or translator, what
/// they forward is always well-formed OpenAI JSON, malformed input ends as Failed or Invalid, and text survives
/// translation exactly whatever characters it holds.
/// </summary>
public sealed class AnthropicPropertyTests
{
    private const string Question = """{"model":"claude-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    private const string WholeAnswer = """
        {"id":"msg_1","type":"message","role":"assistant","model":"m",
         "content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"text","text":"Hello"},
                    {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,{"b":null}]}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":3,"cache_creation_input_tokens":1,"cache_read_input_tokens":2,"output_tokens":4}}
        """;

    [Fact]
    public void Mutated_streams_never_throw_and_forward_only_well_formed_chunks()
    {
        var mutator = new JsonMutator(seed: 20_250_101);
        var corpus = AnthropicStreams.Text.Concat(AnthropicStreams.ThinkingAndTools).ToArray();
        var endings = new Dictionary<StreamStepKind, int>();
        for (var run = 0; run < 1500; run++)
        {
            var events = (run % 2 == 0 ? AnthropicStreams.ThinkingAndTools : AnthropicStreams.Text).ToList();
            for (var i = 1 + mutator.Random.Next(4); i > 0; i--)
            {
                var at = mutator.Random.Next(events.Count);
                switch (mutator.Random.Next(4))
                {
                    case 0:
                        events.RemoveAt(at);
                        break;
                    case 1:
                        events.Insert(at, corpus[mutator.Random.Next(corpus.Length)]);
                        break;
                    default:
                        events[at] = mutator.Mutate(events[at]);
                        break;
                }
            }

            var steps = Translate(Call(Question, stream: true), events.Select(data => new SseEvent("message", data)));

            Assert.All(steps.Where(s => s.Chunk is not null), s => AssertChunk(s.Chunk!, run));
            Assert.All(steps.Where(s => s.Kind == StreamStepKind.Failed), s => Assert.NotNull(s.Error));
            endings[steps[^1].Kind] = endings.GetValueOrDefault(steps[^1].Kind) + 1;
        }

        // The mutations reach both outcomes often: the test is not just replaying valid streams.
        Assert.True(endings.GetValueOrDefault(StreamStepKind.Failed) > 200, $"Failed {endings.GetValueOrDefault(StreamStepKind.Failed)} times");
        Assert.True(endings.GetValueOrDefault(StreamStepKind.Done) > 200, $"Done {endings.GetValueOrDefault(StreamStepKind.Done)} times");
    }

    [Fact]
    public void Random_bytes_through_the_parser_and_translator_never_throw()
    {
        var random = new Random(7);
        const string alphabet = "event: data: {}[]\":,\n\r\n\ntype message_start content_block_delta index 0 text_delta é";
        for (var run = 0; run < 1000; run++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(400); i > 0; i--)
            {
                text.Append(random.Next(5) == 0 ? (char)random.Next(0, 0x300) : alphabet[random.Next(alphabet.Length)]);
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (random.Next(3) == 0)
            {
                bytes[random.Next(bytes.Length + 1) % Math.Max(1, bytes.Length)] = (byte)random.Next(256);
            }

            var events = new List<SseEvent>();
            new SseParser().Feed(bytes, events);
            var steps = Translate(Call(Question, stream: true), events);

            Assert.All(steps.Where(s => s.Chunk is not null), s => AssertChunk(s.Chunk!, run));
        }
    }

    [Fact]
    public void A_lone_surrogate_escape_is_a_clear_failure_not_a_crash()
    {
        var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));
        translator.Translate(Event(AnthropicStreams.MessageStart));
        translator.Translate(Event("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));

        var step = translator.Translate(new SseEvent("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\ud800b"}}"""));

        Assert.Equal(StreamStepKind.Failed, step.Kind);
        Assert.False(Adapter.ReadResponse(Call(Question), """{"id":"m","content":[{"type":"text","text":"\udc00"}]}"""u8).IsValid);
        Assert.Null(Adapter.ReadError("""{"type":"error","error":{"type":"api_error","message":"\ud800"}}"""u8).Message);
    }

    [Fact]
    public void Mutated_answers_and_error_bodies_never_throw()
    {
        var mutator = new JsonMutator(seed: 4242);
        const string errorBody = """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"},"request_id":"r"}""";
        var valid = 0;
        for (var run = 0; run < 1500; run++)
        {
            var answer = mutator.Mutate(WholeAnswer);
            var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));
            if (response.IsValid)
            {
                valid++;
                var body = JsonNode.Parse(response.Body!)!;
                Assert.Equal("chat.completion", (string?)body["object"]);
                Assert.Single(body["choices"]!.AsArray());
            }

            var error = Adapter.ReadError(Encoding.UTF8.GetBytes(mutator.Mutate(errorBody)));
            Assert.NotNull(error);
        }

        Assert.InRange(valid, 200, 1300);
    }

    [Fact]
    public async Task Mutated_requests_always_build_a_messages_request()
    {
        var mutator = new JsonMutator(seed: 99);
        const string request = """
            {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"q"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},
              {"role":"assistant","content":"a","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c","content":"r"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto",
             "stop":["x"],"max_tokens":10,"user":"u","response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}}}
            """;
        var built = 0;
        for (var run = 0; run < 1500; run++)
        {
            var body = mutator.Mutate(request);
            if (AiMesh.Router.Routing.ClientRequest.TryParse(body) is null)
            {
                // The router refuses such a body before any adapter sees it.
                continue;
            }

            var sent = await AnthropicRequestTests.SentBody(Call(body, stream: run % 2 == 0));

            Assert.Equal("claude-upstream", (string?)sent["model"]);
            Assert.NotNull(sent["max_tokens"]);
            Assert.IsType<JsonArray>(sent["messages"]);
            built++;
        }

        Assert.True(built > 750, $"Only {built} mutated requests were objects the router accepts.");
    }

    [Fact]
    public void Any_text_streams_through_unchanged()
    {
        var mutator = new JsonMutator(seed: 31337);
        for (var run = 0; run < 300; run++)
        {
            var pieces = Enumerable.Range(0, 1 + mutator.Random.Next(5)).Select(_ => mutator.RandomText()).ToList();
            var arguments = Enumerable.Range(0, 1 + mutator.Random.Next(5)).Select(_ => mutator.RandomText()).ToList();
            var events = new List<string>
            {
                AnthropicStreams.MessageStart,
                """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            };
            events.AddRange(pieces.Select(p => Delta(0, "text_delta", "text", p)));
            events.Add("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}""");
            events.AddRange(arguments.Select(p => Delta(1, "input_json_delta", "partial_json", p)));
            events.Add(AnthropicStreams.MessageStop);

            var steps = Translate(Call(Question, stream: true), events.Select(Event));

            var deltas = Support.TranslatedStream.Chunks(steps.Where(s => s.Kind == StreamStepKind.Forward)).Select(c => JsonNode.Parse(c)!["choices"]![0]!["delta"]!).ToList();
            Assert.Equal(string.Concat(pieces), string.Concat(deltas.Select(d => (string?)d["content"])));
            Assert.Equal(string.Concat(arguments), string.Concat(deltas.Select(d => (string?)d["tool_calls"]?[0]?["function"]?["arguments"])));
        }
    }

    private static string Delta(int index, string type, string member, string value) =>
        new JsonObject
        {
            ["type"] = "content_block_delta",
            ["index"] = index,
            ["delta"] = new JsonObject { ["type"] = type, [member] = value },
        }.ToJsonString();

    private static void AssertChunk(string chunk, int run)
    {
        var node = JsonNode.Parse(chunk) as JsonObject;
        Assert.True(node is not null, $"Run {run}: not a JSON object: {chunk}");
        Assert.Equal("chat.completion.chunk", (string?)node["object"]);
        Assert.IsType<JsonArray>(node["choices"]);
    }
}
