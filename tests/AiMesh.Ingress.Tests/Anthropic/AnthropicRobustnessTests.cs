using System.Text;
using System.Text.Json;
using AiMesh.Ingress.Anthropic;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Tests.Anthropic;

/// <summary>
/// Generated input (fixed seeds, so a failure reproduces): no exception escapes the translators, and whatever comes
/// in, the stream keeps Anthropic's grammar — deltas only inside an open block, nothing after an error, a
/// <c>message_stop</c> only when the mesh said the answer completed.
/// </summary>
public sealed class AnthropicRobustnessTests
{
    private static readonly string[] Requests =
    [
        """{"model":"m","max_tokens":64,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"},"title":"t"}]},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"a","name":"f","input":{"x":1}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"r"}],"is_error":false}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"},"stop_sequences":["x"],"temperature":0.1,"top_p":0.5,"top_k":3,"metadata":{"user_id":"u"},"thinking":{"type":"enabled","budget_tokens":1024},"stream":true}""",
        """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""",
    ];

    private static readonly string[] Completions =
    [
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a","reasoning_content":"r","thinking_blocks":[{"type":"thinking","thinking":"r","signature":"s"}],"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":1}}}""",
    ];

    private static readonly string[] Chunks =
    [
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"reasoning_content":"r"},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"thinking_blocks":[{"type":"thinking","thinking":"r","signature":"s"}]},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"thinking_blocks":[{"type":"redacted_thinking","data":"d"}]},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{"}}]},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"u","function":{"name":"g","arguments":"{}"}}]},"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
        """{"id":"chatcmpl-1","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}""",
    ];

    [Fact]
    public void Mutated_requests_are_translated_or_refused_with_a_400_never_an_exception()
    {
        var random = new Random(3);
        for (var i = 0; i < 3000; i++)
        {
            var body = JsonMutator.Mutate(Requests[i % Requests.Length], random);
            var (request, error) = AnthropicRequestValidator.Validate(Encoding.UTF8.GetBytes(body), 64);

            Assert.True(request is not null ^ error is not null, body);
            if (request is not null)
            {
                // What goes on is always a JSON object naming the model.
                Assert.Equal(request.Model, JsonDocument.Parse(request.Body).RootElement.GetProperty("model").GetString());
            }
            else
            {
                Assert.Equal(400, error!.Status);
            }

            var (counted, _, countError) = AnthropicRequestValidator.Canonical(Encoding.UTF8.GetBytes(body), 64, counting: true);
            Assert.True(counted is not null ^ countError is not null, body);
        }
    }

    [Fact]
    public void Mutated_completions_become_a_message_or_null_never_an_exception()
    {
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var completion = JsonMutator.Mutate(Completions[0], random);
            if (AnthropicMessageWriter.Translate(completion, random.Next(2) == 0 ? null : "m") is { } message)
            {
                Assert.Equal("message", JsonDocument.Parse(message).RootElement.GetProperty("type").GetString());
            }
        }
    }

    [Fact]
    public void Generated_chunk_sequences_always_keep_anthropics_stream_grammar()
    {
        var random = new Random(7);
        for (var run = 0; run < 1500; run++)
        {
            var stream = new AnthropicStreamTranslator { Model = "m" };
            var events = new List<AnthropicEvent>();
            var count = random.Next(1, 12);
            for (var i = 0; i < count; i++)
            {
                var chunk = Chunks[random.Next(Chunks.Length)];
                events.AddRange(stream.Translate(random.Next(4) == 0 ? JsonMutator.Mutate(chunk, random) : chunk));
            }

            var failed = random.Next(5) == 0;
            events.AddRange(stream.End(failed ? new ApiError(502, "api_error", "x", "cut") : null));
            events.AddRange(stream.End(null));
            events.AddRange(stream.Translate(Chunks[4]));

            AssertGrammar(events, failed);
        }
    }

    private static void AssertGrammar(List<AnthropicEvent> events, bool failed)
    {
        var context = string.Join(" ", events.Select(e => e.Name));
        Assert.True(events.Count > 0, "every stream ends in something");
        var last = events[^1].Name;
        Assert.True(last is "message_stop" or "error", context);
        Assert.Single(events, e => e.Name is "message_stop" or "error");
        if (failed)
        {
            Assert.Equal("error", last);
        }

        int? open = null;
        var next = 0;
        foreach (var (name, data) in events)
        {
            var root = JsonDocument.Parse(data).RootElement;
            Assert.Equal(name, root.GetProperty("type").GetString());
            switch (name)
            {
                case "content_block_start":
                    Assert.Null(open);
                    Assert.Equal(next, root.GetProperty("index").GetInt32());
                    open = next++;
                    break;
                case "content_block_delta":
                    Assert.Equal(open, root.GetProperty("index").GetInt32());
                    break;
                case "content_block_stop":
                    Assert.Equal(open, root.GetProperty("index").GetInt32());
                    open = null;
                    break;
                case "message_delta":
                    Assert.Null(open);
                    break;
            }
        }

        if (last == "message_stop")
        {
            Assert.Equal("message_start", events[0].Name);
            Assert.Equal("message_delta", events[^2].Name);
        }
    }
}
