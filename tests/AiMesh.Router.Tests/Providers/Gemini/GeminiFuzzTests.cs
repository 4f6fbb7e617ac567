using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>
/// Generated corpora with fixed seeds: arbitrary and mutated input to every Gemini decoder and translator. No exception
/// escapes; what cannot be read is a clear failure (Invalid, Failed), and what is produced is JSON.
/// </summary>
public sealed class GeminiFuzzTests
{
    private const int Cases = 600;

    private static readonly string[] ResponseKeys =
    [
        "candidates", "content", "parts", "text", "thought", "functionCall", "name", "args", "thoughtSignature", "finishReason",
        "index", "usageMetadata", "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount",
        "toolUsePromptTokenCount", "promptFeedback", "blockReason", "error", "code", "message", "status", "details", "@type",
        "retryDelay", "reason", "embeddings", "values", "predictions", "statistics", "token_count", "usage", "role",
    ];

    private static readonly string[] RequestKeys =
    [
        "model", "messages", "role", "content", "type", "text", "image_url", "url", "detail", "input_audio", "data", "format", "file",
        "file_data", "file_id", "tool_calls", "id", "function", "name", "arguments", "tool_call_id", "refusal", "audio", "tools",
        "tool_choice", "parameters", "properties", "required", "items", "anyOf", "oneOf", "allOf", "enum", "const", "$ref", "$defs",
        "additionalProperties", "nullable", "description", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop",
        "seed", "n", "response_format", "json_schema", "schema", "reasoning_effort", "logprobs", "stream", "stream_options",
        "include_usage", "extra_content", "google", "thought_signature", "allowed_tools", "mode", "input", "dimensions",
        "encoding_format", "parallel_tool_calls", "minimum", "maxItems", "pattern", "examples",
    ];

    private static readonly string[] Strings =
    [
        "", "a", "user", "assistant", "system", "developer", "tool", "function", "text", "image_url", "input_audio", "file",
        "object", "string", "integer", "null", "array", "#/$defs/a", "#/$defs/", "STOP", "MAX_TOKENS", "SAFETY", "OTHER",
        "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INVALID_ARGUMENT", "token count exceeds", "data:image/png;base64,AAAA", "data:,x",
        "https://example.com/a.png", "gs://b/c.pdf", "{\"a\":1}", "{", "call_x~ts~", "call_x~ts~sig", "json_schema", "json_object",
        "auto", "none", "required", "low", "high", "base64", "float", "31s", "type.googleapis.com/google.rpc.RetryInfo", "é日本",
        "\ud83d\ude00", "\ud800", "API_KEY_INVALID", "type.googleapis.com/google.rpc.ErrorInfo",
    ];

    private static readonly string[] Answers =
    [
        """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"},{"functionCall":{"name":"f","args":{"a":1}},"thoughtSignature":"c2ln"}]},"finishReason":"STOP"},{"content":{"parts":[{"text":"x"}]},"finishReason":"MAX_TOKENS","index":1}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"thoughtsTokenCount":1}}""",
        """{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}}""",
        """{"embeddings":[{"values":[0.1,0.2]},{"values":[1e-5,-3]}]}""",
        """{"predictions":[{"embeddings":{"statistics":{"token_count":2},"values":[0.5,0.25]}},{"embeddings":{"values":[1]}}]}""",
        """{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}""",
    ];

    [Fact]
    public void Answers_arbitrary_and_mutated_never_throw_and_produce_json_or_a_clear_refusal()
    {
        var adapters = new IProviderAdapter[] { new GeminiAdapter(TimeProvider.System), new VertexAdapter(TimeProvider.System, null!) };
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new RandomJson(seed, ResponseKeys, Strings);
            var input = seed % 2 == 0 ? random.Object(6).ToJsonString() : random.Mutate(Answers[seed % Answers.Length]);
            foreach (var adapter in adapters)
            {
                foreach (var call in new[] { GeminiCalls.Chat("{}"), GeminiCalls.Embeddings("""{"input":["a","b"],"encoding_format":"base64"}""") })
                {
                    var response = Run(seed, input, () => adapter.ReadResponse(call, Encoding.UTF8.GetBytes(input)));
                    if (response.IsValid)
                    {
                        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(response.Body!).RootElement.ValueKind);
                    }
                    else if (response.Error is { } error)
                    {
                        Assert.NotEqual(UpstreamErrorKind.AuthenticationFailed, error.Kind);
                    }
                }

                Run(seed, input, () => adapter.ReadError(Encoding.UTF8.GetBytes(input)));
            }
        }
    }

    [Fact]
    public void Streams_arbitrary_and_mutated_never_throw_and_stop_at_the_first_done_or_failure()
    {
        var stream = GeminiStreams.Sse(
            """{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}},{"content":{"parts":[{"text":"b"}]},"index":1}]}""",
            """{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]}}]}""",
            """{"candidates":[{"content":{"parts":[{"text":"!"}]},"finishReason":"STOP"},{"finishReason":"SAFETY","index":1}],"usageMetadata":{"promptTokenCount":4}}""");
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new RandomJson(seed, ResponseKeys, Strings);
            var input = seed % 3 == 0
                ? GeminiStreams.Sse(random.Object(5).ToJsonString(), random.Object(5).ToJsonString(), random.Object(4).ToJsonString())
                : random.Mutate(stream);
            foreach (var includeUsage in new[] { false, true })
            {
                var call = GeminiCalls.Chat(includeUsage ? """{"stream_options":{"include_usage":true}}""" : "{}", stream: true);
                var steps = Run(seed, input, () => GeminiStreams.Translate(call, input));
                foreach (var step in steps)
                {
                    if (step.Chunk is not null)
                    {
                        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(step.Chunk).RootElement.ValueKind);
                    }

                    Assert.True(step.Kind != StreamStepKind.Failed || step.Error is not null, RandomJson.Describe(seed, input));
                }

                Assert.DoesNotContain(steps[..Math.Max(0, steps.Count - 1)], s => s.Kind is StreamStepKind.Done or StreamStepKind.Failed);
            }
        }
    }

    [Fact]
    public async Task Requests_arbitrary_never_throw_and_are_json()
    {
        var adapters = new IProviderAdapter[] { new GeminiAdapter(TimeProvider.System), new VertexAdapter(TimeProvider.System, null!) };
        var deployments = new[] { GeminiCalls.Gemini(UnsupportedParameterPolicy.Drop), GeminiCalls.Vertex() };
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new RandomJson(seed, RequestKeys, Strings);
            var body = random.Object(7);
            if (seed % 2 == 0)
            {
                body["messages"] = new JsonArray([.. Enumerable.Range(0, 1 + random.Random.Next(5)).Select(_ => (JsonNode?)random.Object(5))]);
            }

            var text = body.ToJsonString();
            for (var i = 0; i < adapters.Length; i++)
            {
                foreach (var api in new[] { ProviderApis.ChatCompletions, ProviderApis.Embeddings })
                {
                    var call = GeminiCalls.Chat(text, stream: seed % 3 == 0, deployment: deployments[i], api: api);
                    using var request = Run(seed, text, () => adapters[i].BuildRequest(call));
                    var sent = await request.Content!.ReadAsStringAsync();
                    Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(sent).RootElement.ValueKind);
                    Assert.All(call.Unsupported, name => Assert.Matches(@"^[A-Za-z0-9_.\-\[\]$@]{1,64}$", name));
                }
            }
        }
    }

    [Fact]
    public void Schemas_arbitrary_never_throw()
    {
        for (var seed = 0; seed < Cases * 2; seed++)
        {
            var random = new RandomJson(seed, RequestKeys, Strings);
            var schema = random.Object(8);
            var translated = Run(seed, schema.ToJsonString(), () => GeminiSchema.Translate(schema));
            if (translated is not null)
            {
                Assert.DoesNotContain("\"$ref\"", translated.ToJsonString(), StringComparison.Ordinal);
            }
        }
    }

    private static T Run<T>(int seed, string input, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception)
        {
            Assert.Fail($"{RandomJson.Describe(seed, input)}\n{exception}");
            throw;
        }
    }
}
