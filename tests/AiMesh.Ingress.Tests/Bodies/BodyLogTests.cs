using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Metering;
using AiMesh.Ingress.Bodies;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiMesh.Ingress.Tests.Bodies;

/// <summary>What leaves the ingress for a logged request: redacted, capped, a stream assembled; and the capture's two sides meeting in either order.</summary>
public sealed class BodyLogTests
{
    private const string Key = "sk-aimesh-CallersOwnKeyAbCdEfGhIjKlMnOpQrStUvWxYz0123456";

    [Fact]
    public void A_whole_request_and_answer_are_redacted_as_json_and_kept_whole()
    {
        var request = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"my key sk-abc123def456ghi789jkl012 and {\"password\":\"hunter2\"}; the gateway key is sk-aimesh-CallersOwnKeyAbCdEfGhIjKlMnOpQrStUvWxYz0123456"}]}""";
        var answer = """{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"Noted, Zoë."},"finish_reason":"stop"}]}""";

        var bodies = BodyLog.Build(Encoding.UTF8.GetBytes(request), answer, null, false, 64 * 1024, Key);

        Assert.False(bodies.RequestTruncated);
        Assert.False(bodies.ResponseTruncated);
        using var parsed = JsonDocument.Parse(bodies.Request!);
        var content = parsed.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Equal("my key [redacted] and {\"password\":\"[redacted]\"}; the gateway key is [redacted]", content);
        Assert.Equal(answer, bodies.Response);
    }

    [Fact]
    public void A_body_over_the_cap_is_cut_on_a_character_redacted_across_the_cut_and_marked()
    {
        // The secret straddles the cap: it is redacted before the cut, so not even its first half is kept.
        var prefix = new string('é', 600);
        var request = $$"""{"messages":[{"role":"user","content":"{{prefix}} sk-abc123def456ghi789jkl012mno345pqr678 {{new string('x', 4000)}}"}]}""";
        var cap = Encoding.UTF8.GetByteCount(request[..(request.IndexOf("sk-", StringComparison.Ordinal) + 10)]);

        var bodies = BodyLog.Build(Encoding.UTF8.GetBytes(request), null, null, false, cap, null);

        Assert.True(bodies.RequestTruncated);
        Assert.True(Encoding.UTF8.GetByteCount(bodies.Request!) <= cap);
        Assert.DoesNotContain("sk-abc", bodies.Request, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', bodies.Request!);
        Assert.StartsWith("{\"messages\":[{\"role\":\"user\",\"content\":\"ééé", bodies.Request, StringComparison.Ordinal);
        Assert.Null(bodies.Response);
    }

    [Fact]
    public void A_stream_is_assembled_per_choice_with_its_tool_calls_and_redacted()
    {
        string[] chunks =
        [
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Your key "},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"sk-abc123def456ghi789jkl012"},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" is safe."},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"login","arguments":"{\"user\":\"ada\","}}]},"finish_reason":null}]}""",
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"password\":\"hunter2\"}"}}]},"finish_reason":"tool_calls"}]}""",
            """{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9}}""",
        ];

        var bodies = BodyLog.Build("{}"u8.ToArray(), null, chunks, false, 64 * 1024, null);

        using var assembled = JsonDocument.Parse(bodies.Response!);
        var choice = Assert.Single(assembled.RootElement.GetProperty("choices").EnumerateArray());
        Assert.Equal("gpt-4o-mini", assembled.RootElement.GetProperty("model").GetString());
        Assert.Equal("Your key [redacted] is safe.", choice.GetProperty("content").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("call_1", "login"), (call.GetProperty("id").GetString(), call.GetProperty("name").GetString()));
        Assert.Equal("{\"user\":\"ada\",\"password\":\"[redacted]\"}", call.GetProperty("arguments").GetString());
        Assert.False(bodies.ResponseTruncated);
    }

    [Fact]
    public void Chunks_beyond_what_is_kept_mark_the_answer_truncated()
    {
        var capture = new BodyCapture(1024, NullLogger.Instance);
        var chunk = """{"choices":[{"index":0,"delta":{"content":"word "}}]}""";
        RecordUsage? enqueued = null;
        for (var i = 0; i < 1000; i++)
        {
            capture.Chunk(chunk);
        }

        capture.Recorded(Record(), r => enqueued = r);
        capture.ExchangeEnded("{}"u8.ToArray(), null);

        Assert.True(enqueued!.Bodies!.ResponseTruncated);
        Assert.True(Encoding.UTF8.GetByteCount(enqueued.Bodies.Response!) <= 1024);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_record_leaves_once_with_its_bodies_whichever_side_ends_last(bool recordFirst)
    {
        var capture = new BodyCapture(64 * 1024, NullLogger.Instance);
        var enqueued = new List<RecordUsage>();
        capture.Answer("""{"choices":[]}""");

        if (recordFirst)
        {
            capture.Recorded(Record(), enqueued.Add);
            Assert.Empty(enqueued);
            capture.ExchangeEnded("""{"api_key":"plain"}"""u8.ToArray(), null);
        }
        else
        {
            capture.ExchangeEnded("""{"api_key":"plain"}"""u8.ToArray(), null);
            Assert.Empty(enqueued);
            capture.Recorded(Record(), enqueued.Add);
        }

        var record = Assert.Single(enqueued);
        Assert.Equal(new UsageBodies("""{"api_key":"[redacted]"}""", """{"choices":[]}"""), record.Bodies);
        Assert.Equal("key-7", record.KeyId);
    }

    [Fact]
    public void A_prompt_requests_rendered_body_is_kept_beside_the_request_redacted_like_it()
    {
        // The variable's value carries a provider key and the caller's own key: both reach the rendered messages.
        var request = """{"model":"gpt-4o-mini","prompt":{"id":"support-answer","variables":{"question":"is sk-abc123def456ghi789jkl012 mine? """ + Key + "\"}}}";
        var rendered = $$"""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Answer politely."},{"role":"user","content":"Customer asks: is sk-abc123def456ghi789jkl012 mine? {{Key}}"}]}""";
        var capture = new BodyCapture(64 * 1024, NullLogger.Instance);
        RecordUsage? enqueued = null;

        capture.Rendered(rendered);
        capture.Answer("""{"choices":[]}""");
        capture.ExchangeEnded(Encoding.UTF8.GetBytes(request), Key);
        capture.Recorded(Record(), r => enqueued = r);

        var bodies = enqueued!.Bodies!;
        using var parsed = JsonDocument.Parse(bodies.Rendered!);
        var messages = parsed.RootElement.GetProperty("messages");
        Assert.Equal("Answer politely.", messages[0].GetProperty("content").GetString());
        Assert.Equal("Customer asks: is [redacted] mine? [redacted]", messages[1].GetProperty("content").GetString());
        Assert.False(bodies.RenderedTruncated);
        Assert.Contains("\"prompt\":{\"id\":\"support-answer\"", bodies.Request, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", bodies.Request + bodies.Rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rendered_body_over_the_cap_is_cut_and_marked_on_its_own()
    {
        var rendered = $$"""{"messages":[{"role":"user","content":"{{new string('x', 3000)}}"}]}""";

        var bodies = BodyLog.Build("""{"prompt":{"id":"p"}}"""u8.ToArray(), null, null, false, 1024, null, rendered);

        Assert.True(bodies.RenderedTruncated);
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(bodies.Rendered!));
        Assert.StartsWith("{\"messages\":[{\"role\":\"user\",\"content\":\"xxx", bodies.Rendered, StringComparison.Ordinal);
        Assert.False(bodies.RequestTruncated);
        Assert.Equal("""{"prompt":{"id":"p"}}""", bodies.Request);
    }

    [Fact]
    public void A_request_without_a_prompt_keeps_no_rendered_body()
    {
        var bodies = BodyLog.Build("""{"messages":[]}"""u8.ToArray(), null, null, false, 1024, null);

        Assert.Null(bodies.Rendered);
        Assert.False(bodies.RenderedTruncated);
    }

    private static RecordUsage Record() => new(
        Guid.NewGuid(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "p", "key-7", "chat.completions", "m", null, null, 0, "ok", 200, null, null, 1, null,
        false, null, null, null, null, null);
}
