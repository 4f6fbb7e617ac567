using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class ConverseResponseTests
{
    private readonly BedrockAdapter adapter = new(new FixedTime());

    [Fact]
    public void Reads_text_tool_calls_finish_reason_and_usage_as_an_openai_completion()
    {
        const string answer = """
            {"output":{"message":{"role":"assistant","content":[{"text":"Checking "},{"reasoningContent":{"reasoningText":{"text":"hmm"}}},{"text":"now."},
              {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris","days":[1,2]}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":7,"totalTokens":17,"cacheReadInputTokens":4,"cacheWriteInputTokens":2},
             "metrics":{"latencyMs":100}}
            """;
        var response = adapter.ReadResponse(BedrockCalls.Call("""{"model":"claude-haiku","messages":[]}"""), Encoding.UTF8.GetBytes(answer));

        var expected = JsonNode.Parse("""
            {"id":"chatcmpl-0f8fad5bd9cb469fa16570867728950e","object":"chat.completion","created":1440938160,"model":"claude-haiku",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Checking now.","refusal":null,
               "tool_calls":[{"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":16,"completion_tokens":7,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(response.Body!)), response.Body);
        Assert.Equal(new TokenUsage(16, 7, 4), response.Usage);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("content_filtered", "content_filter")]
    public void Maps_every_stop_reason(string stopReason, string finishReason)
    {
        var response = adapter.ReadResponse(BedrockCalls.Call("""{"model":"m","messages":[]}"""), Encoding.UTF8.GetBytes(
            $$$"""{"output":{"message":{"role":"assistant","content":[]}},"stopReason":"{{{stopReason}}}","usage":{"inputTokens":1,"outputTokens":0,"totalTokens":1}}"""));

        var choice = JsonNode.Parse(response.Body!)!["choices"]![0]!;
        Assert.Equal(finishReason, (string?)choice["finish_reason"]);
        Assert.Null(choice["message"]!["content"]);
        Assert.Null(choice["message"]!["tool_calls"]);
    }

    [Theory]
    [InlineData("""{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"malformed_tool_use"}""")]
    [InlineData("""{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"something_new"}""")]
    [InlineData("""{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}}}""")]
    [InlineData("""{"output":{}, "stopReason":"end_turn"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    [InlineData("""{"output":{"message":{"content":[{"text":"\uD800"}]}},"stopReason":"end_turn"}""")]
    public void An_answer_without_a_readable_message_or_a_meaningful_stop_is_invalid(string answer)
    {
        Assert.False(adapter.ReadResponse(BedrockCalls.Call("""{"model":"m","messages":[]}"""), Encoding.UTF8.GetBytes(answer)).IsValid);
    }

    [Fact]
    public void Mutated_answers_never_throw()
    {
        var valid = Encoding.UTF8.GetBytes("""{"output":{"message":{"role":"assistant","content":[{"text":"hi"},{"toolUse":{"toolUseId":"t","name":"f","input":{}}}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":2}}""");
        var random = new Random(11);
        var call = BedrockCalls.Call("""{"model":"m","messages":[]}""");
        for (var run = 0; run < 2000; run++)
        {
            var input = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                input[random.Next(input.Length)] = (byte)random.Next(32, 127);
            }

            var response = adapter.ReadResponse(call, input);
            if (response.IsValid)
            {
                Assert.NotNull(JsonNode.Parse(response.Body!));
            }
        }
    }
}
