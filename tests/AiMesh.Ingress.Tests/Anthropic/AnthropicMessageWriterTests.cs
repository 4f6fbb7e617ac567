using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Ingress.Anthropic;

namespace AiMesh.Ingress.Tests.Anthropic;

public sealed class AnthropicMessageWriterTests
{
    [Fact]
    public void A_completion_with_thinking_text_and_tool_calls_is_an_anthropic_message()
    {
        const string completion = """
            {"id":"chatcmpl-msg_01X","object":"chat.completion","created":1,"model":"upstream",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","refusal":null,
               "reasoning_content":"Hmm.","thinking_blocks":[{"type":"thinking","thinking":"Hmm.","signature":"sig"},{"type":"redacted_thinking","data":"opaque"}],
               "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                             {"id":"toolu_2","type":"function","function":{"name":"now","arguments":""}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":60,"cache_creation_tokens":30}}}
            """;

        var message = AnthropicMessageWriter.Translate(completion, "claude-public");

        const string expected = """
            {"id":"msg_01X","type":"message","role":"assistant","model":"claude-public",
             "content":[
               {"type":"thinking","thinking":"Hmm.","signature":"sig"},
               {"type":"redacted_thinking","data":"opaque"},
               {"type":"text","text":"Let me check."},
               {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
               {"type":"tool_use","id":"toolu_2","name":"now","input":{}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":60,"output_tokens":20}}
            """;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(message!)), Encoding.UTF8.GetString(message!));
    }

    [Theory]
    [InlineData(",\"stop_sequence\":\"4\"", "stop_sequence", "4")]
    [InlineData("", "end_turn", null)]
    public void A_stop_the_provider_named_a_stop_sequence_for_is_stop_sequence(string member, string stopReason, string? sequence)
    {
        var completion = $$$"""
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"1, 2, 3"},"logprobs":null,"finish_reason":"stop"{{{member}}}}],
             "usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}
            """;

        var message = JsonNode.Parse(AnthropicMessageWriter.Translate(completion, "claude-public")!)!;

        Assert.Equal(stopReason, (string?)message["stop_reason"]);
        Assert.Equal(sequence, (string?)message["stop_sequence"]);
    }

    [Fact]
    public void Reasoning_without_thinking_blocks_is_one_unsigned_thinking_block_and_a_refusal_is_text()
    {
        const string completion = """
            {"id":"chatcmpl-abc","model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't.","reasoning_content":"Unsafe."},"finish_reason":"content_filter"}],
             "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
            """;

        var message = JsonNode.Parse(AnthropicMessageWriter.Translate(completion, null)!)!;

        Assert.Equal("msg_abc", message["id"]!.GetValue<string>());
        Assert.Equal("gpt-x", message["model"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"type":"thinking","thinking":"Unsafe.","signature":""},{"type":"text","text":"I can't."}]"""), message["content"]));
        Assert.Equal("refusal", message["stop_reason"]!.GetValue<string>());
        Assert.Equal("""{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}""", message["usage"]!.ToJsonString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"choices":[]}""")]
    [InlineData("""{"choices":[{"message":"x"}]}""")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"[1]"}}]}}]}""")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{oops"}}]}}]}""")]
    public void A_completion_that_cannot_be_read_or_expressed_is_null(string completion)
    {
        Assert.Null(AnthropicMessageWriter.Translate(completion, "m"));
    }
}
