using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Providers.Anthropic;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

/// <summary>
/// Generated inputs with fixed seeds (reproducible): no exception escapes the Cohere translator, reader or request
/// builder; what the translator forwards is always a well-formed OpenAI chunk; malformed input ends as Failed or
/// Invalid; text survives translation exactly whatever characters it holds.
/// </summary>
public sealed class CoherePropertyTests
{
    private const string Question = """{"model":"command-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    private const string WholeAnswer = """
        {"id":"x","finish_reason":"TOOL_CALL","message":{"role":"assistant","tool_plan":"p","content":[{"type":"text","text":"t"}],
         "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
         "usage":{"billed_units":{"input_tokens":1,"output_tokens":2},"tokens":{"input_tokens":3,"output_tokens":2},"cached_tokens":1}}
        """;

    [Fact]
    public void Mutated_streams_never_throw_and_forward_only_well_formed_chunks()
    {
        var mutator = new JsonMutator(seed: 20_261_122);
        var corpus = CohereStreams.Text.Concat(CohereStreams.Tools).ToArray();
        var endings = new Dictionary<StreamStepKind, int>();
        for (var run = 0; run < 1500; run++)
        {
            var events = (run % 2 == 0 ? CohereStreams.Tools : CohereStreams.Text).ToList();
            for (var i = 1 + mutator.Random.Next(3); i > 0; i--)
            {
                var at = 1 + mutator.Random.Next(events.Count - 1);
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

            var translator = Adapter.CreateStreamTranslator(Call(Question, stream: true));
            var steps = new List<StreamStep>();
            foreach (var data in events)
            {
                steps.Add(translator.Translate(new SseEvent("message", data)));
                if (steps[^1].Kind is StreamStepKind.Done or StreamStepKind.Failed)
                {
                    break;
                }
            }

            Assert.All(TranslatedStream.Chunks(steps), chunk => AssertChunk(chunk, run));
            Assert.All(steps.Where(s => s.Kind == StreamStepKind.Failed), s => Assert.NotNull(s.Error));
            endings[steps[^1].Kind] = endings.GetValueOrDefault(steps[^1].Kind) + 1;
        }

        // The mutations reach both outcomes often: the test is not just replaying valid streams.
        Assert.True(endings.GetValueOrDefault(StreamStepKind.Failed) > 150, $"Failed {endings.GetValueOrDefault(StreamStepKind.Failed)} times");
        Assert.True(endings.GetValueOrDefault(StreamStepKind.Done) > 150, $"Done {endings.GetValueOrDefault(StreamStepKind.Done)} times");
    }

    [Fact]
    public void Random_bytes_through_the_parser_and_translator_never_throw()
    {
        var random = new Random(11);
        const string alphabet = "event: data: {}[]\":,\n\r\n\ntype message-start content-delta message-end delta message content text index 0 é";
        for (var run = 0; run < 1000; run++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(400); i > 0; i--)
            {
                text.Append(random.Next(5) == 0 ? (char)random.Next(0, 0x300) : alphabet[random.Next(alphabet.Length)]);
            }

            var steps = Translate(Call(Question, stream: true), Encoding.UTF8.GetBytes(text.ToString()));

            Assert.All(TranslatedStream.Chunks(steps), chunk => AssertChunk(chunk, run));
        }
    }

    [Fact]
    public void Mutated_answers_error_bodies_and_embeddings_never_throw()
    {
        var mutator = new JsonMutator(seed: 777);
        const string errorBody = """{"id":"e","message":"too many tokens: size limit exceeded by 3 tokens."}""";
        const string embeddings = """{"id":"e","embeddings":{"float":[[0.5,1]]},"meta":{"billed_units":{"input_tokens":1}}}""";
        var valid = 0;
        for (var run = 0; run < 1500; run++)
        {
            var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(mutator.Mutate(WholeAnswer)));
            if (response.IsValid)
            {
                valid++;
                var body = JsonNode.Parse(response.Body!)!;
                Assert.Equal("chat.completion", (string?)body["object"]);
                Assert.NotNull((string?)body["choices"]![0]!["finish_reason"]);
            }

            Assert.NotNull(Adapter.ReadError(Encoding.UTF8.GetBytes(mutator.Mutate(errorBody))));
            var embedded = Adapter.ReadResponse(Embeddings("""{"model":"e","input":"a"}"""), Encoding.UTF8.GetBytes(mutator.Mutate(embeddings)));
            Assert.True(!embedded.IsValid || JsonNode.Parse(embedded.Body!)!["data"]!.AsArray().Count == 1);
        }

        Assert.InRange(valid, 150, 1400);
    }

    [Fact]
    public async Task Mutated_requests_always_build_a_chat_request()
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

            var sent = await SentBodyAsync(Call(body, stream: run % 2 == 0));

            Assert.Equal("command-a-03-2025", (string?)sent["model"]);
            Assert.IsType<JsonArray>(sent["messages"]);
            built++;
        }

        Assert.True(built > 750, $"Only {built} mutated requests were objects the router accepts.");
    }

    [Fact]
    public void Any_text_streams_through_unchanged()
    {
        var mutator = new JsonMutator(seed: 4711);
        for (var run = 0; run < 300; run++)
        {
            var pieces = Enumerable.Range(0, 1 + mutator.Random.Next(5)).Select(_ => mutator.RandomText()).ToList();
            var arguments = Enumerable.Range(0, 1 + mutator.Random.Next(5)).Select(_ => mutator.RandomText()).ToList();
            var events = new List<string> { CohereStreams.MessageStart };
            events.AddRange(pieces.Select(p => Event("content-delta", "content", new JsonObject { ["text"] = p })));
            events.Add(CohereStreams.Tools[3]);
            events.AddRange(arguments.Select(a => Event("tool-call-delta", "tool_calls", new JsonObject { ["function"] = new JsonObject { ["arguments"] = a } })));
            events.Add(CohereStreams.Tools[^1]);

            var deltas = TranslatedStream.Chunks(Translate(Call(Question, stream: true), events))
                .Select(c => JsonNode.Parse(c)!["choices"]!.AsArray().FirstOrDefault()?["delta"]).ToList();

            Assert.Equal(string.Concat(pieces), string.Concat(deltas.Select(d => (string?)d?["content"])));
            Assert.Equal(string.Concat(arguments), string.Concat(deltas.Skip(1).Select(d => (string?)d?["tool_calls"]?[0]?["function"]?["arguments"])));
        }
    }

    private static string Event(string type, string member, JsonObject value) =>
        new JsonObject
        {
            ["type"] = type,
            ["index"] = 0,
            ["delta"] = new JsonObject { ["message"] = new JsonObject { [member] = value } },
        }.ToJsonString();

    private static void AssertChunk(string chunk, int run)
    {
        var node = JsonNode.Parse(chunk) as JsonObject;
        Assert.True(node is not null, $"Run {run}: not a JSON object: {chunk}");
        Assert.Equal("chat.completion.chunk", (string?)node["object"]);
        Assert.IsType<JsonArray>(node["choices"]);
    }
}
