using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicRequestTests;

namespace AiMesh.Router.Tests.Providers.Anthropic;

public sealed class AnthropicResponseTests
{
    private const string Question = """{"model":"claude-public","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void A_text_answer_reads_as_a_chat_completion()
    {
        const string answer = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-upstream",
             "content":[{"type":"text","text":"Hello"},{"type":"text","text":", world"}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}}
            """;

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        AssertJson("""
            {"id":"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1700000000,"model":"claude-public",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":6,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """, JsonNode.Parse(response.Body!)!);
        Assert.Equal(new TokenUsage(12, 6, 0, null, false, 0), response.Usage);
    }

    [Fact]
    public void Thinking_text_and_tool_uses_read_as_reasoning_content_and_tool_calls()
    {
        const string answer = """
            {"id":"msg_2","type":"message","role":"assistant","model":"m",
             "content":[
               {"type":"thinking","thinking":"Two lookups.","signature":"EqQBCgIYAhIM=="},
               {"type":"redacted_thinking","data":"EmwKAhgBEgy3va=="},
               {"type":"text","text":"Checking."},
               {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris","days":[1,2]}},
               {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"x"}},
               {"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}],
             "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":40}}
            """;

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        AssertJson("""
            {"role":"assistant","content":"Checking.","refusal":null,"reasoning_content":"Two lookups.",
             "thinking_blocks":[{"type":"thinking","thinking":"Two lookups.","signature":"EqQBCgIYAhIM=="},{"type":"redacted_thinking","data":"EmwKAhgBEgy3va=="}],
             "tool_calls":[
               {"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}},
               {"id":"toolu_02","type":"function","function":{"name":"get_time","arguments":"{}"}}]}
            """, JsonNode.Parse(response.Body!)!["choices"]![0]!["message"]!);
        Assert.Equal("tool_calls", (string?)JsonNode.Parse(response.Body!)!["choices"]![0]!["finish_reason"]);
        Assert.Equal(new TokenUsage(5, 40), response.Usage);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("pause_turn", "pause_turn")]
    public void Maps_each_stop_reason(string stopReason, string finishReason)
    {
        var answer = $$"""{"id":"m","content":[{"type":"text","text":"x"}],"stop_reason":"{{stopReason}}"}""";

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        Assert.Equal(finishReason, (string?)JsonNode.Parse(response.Body!)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public void A_matched_stop_sequence_is_named_beside_the_stop()
    {
        const string answer = """{"id":"m","content":[{"type":"text","text":"1, 2, 3"}],"stop_reason":"stop_sequence","stop_sequence":"4"}""";

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        var choice = JsonNode.Parse(response.Body!)!["choices"]![0]!;
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Equal("4", (string?)choice["stop_sequence"]);
    }

    [Fact]
    public void Without_a_stop_sequence_the_choice_has_only_openais_members()
    {
        const string answer = """{"id":"m","content":[{"type":"text","text":"done"}],"stop_reason":"end_turn","stop_sequence":null}""";

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        Assert.False(JsonNode.Parse(response.Body!)!["choices"]![0]!.AsObject().ContainsKey("stop_sequence"));
    }

    [Fact]
    public void Counts_cache_reads_and_writes_into_the_prompt_as_openai_does()
    {
        const string answer = """
            {"id":"m","content":[],"stop_reason":"end_turn",
             "usage":{"input_tokens":10,"cache_creation_input_tokens":20,"cache_read_input_tokens":30,"output_tokens":5}}
            """;

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        var body = JsonNode.Parse(response.Body!)!;
        AssertJson("""
            {"prompt_tokens":60,"completion_tokens":5,"total_tokens":65,"prompt_tokens_details":{"cached_tokens":30,"audio_tokens":0,"cache_creation_tokens":20},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}
            """, body["usage"]!);
        Assert.Equal(new TokenUsage(60, 5, CachedTokens: 30, CacheWriteTokens: 20), response.Usage);
        Assert.Null((string?)body["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public void The_forced_json_tool_answers_as_content_with_finish_stop()
    {
        var call = Call("""{"model":"x","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object"}}}}""");
        const string answer = """
            {"id":"m","content":[{"type":"tool_use","id":"toolu_9","name":"person","input":{"name":"Ada"}}],"stop_reason":"tool_use"}
            """;

        var response = Adapter.ReadResponse(call, Encoding.UTF8.GetBytes(answer));

        var choice = JsonNode.Parse(response.Body!)!["choices"]![0]!;
        Assert.Equal("""{"name":"Ada"}""", (string?)choice["message"]!["content"]);
        Assert.Null(choice["message"]!["tool_calls"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
    }

    [Fact]
    public void Keeps_non_ascii_text_readable()
    {
        var response = Adapter.ReadResponse(Call(Question), """{"id":"m","content":[{"type":"text","text":"héllo 日本 \"q\""}],"stop_reason":"end_turn"}"""u8);

        Assert.Contains("héllo 日本 \\\"q\\\"", response.Body, StringComparison.Ordinal);
        Assert.Null(response.Usage);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")]
    [InlineData("""{"id":"m","content":"text"}""")]
    [InlineData("""{"id":"m","content":[1]}""")]
    [InlineData("""{"id":"m","content":[{"type":"text","text":5}]}""")]
    [InlineData("""{"id":"m","content":[{"type":"tool_use","id":"t","name":7,"input":{}}]}""")]
    [InlineData("""{"id":"m","content":[{"type":"text","text":"x"}]""")]
    public void Refuses_an_answer_that_is_not_a_message(string answer)
    {
        Assert.False(Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer)).IsValid);
    }
}
