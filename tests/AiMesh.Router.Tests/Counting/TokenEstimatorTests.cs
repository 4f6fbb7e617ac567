using System.Text.Json.Nodes;
using AiMesh.Router.Counting;

namespace AiMesh.Router.Tests.Counting;

public sealed class TokenEstimatorTests
{
    [Fact]
    public void Text_is_counted_with_o200k_base_plus_the_per_message_and_reply_overheads()
    {
        // "hello world" is two o200k_base tokens; one message.
        Assert.Equal(2 + TokenEstimator.PerMessage + TokenEstimator.ReplyPriming, Estimate("""{"model":"m","messages":[{"role":"user","content":"hello world"}]}"""));
    }

    [Fact]
    public void Tools_add_the_tool_use_prompt_and_their_definitions_and_images_a_flat_cost()
    {
        var plain = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var withTool = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        var withImage = Estimate("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}""");

        Assert.InRange(withTool - plain, TokenEstimator.ToolUseSystemPrompt + 3, TokenEstimator.ToolUseSystemPrompt + 15);
        Assert.Equal(TokenEstimator.PerImageOrDocument, withImage - plain);
    }

    [Fact]
    public void Tool_calls_results_and_thinking_are_counted()
    {
        var bare = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}]}""");
        var full = Estimate("""
            {"model":"m","messages":[{"role":"user","content":"hi"},
              {"role":"assistant","content":"ok","thinking_blocks":[{"type":"thinking","thinking":"a long thought about the weather","signature":"s"}],
               "tool_calls":[{"id":"t","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"t","content":"sunny and warm"}]}
            """);

        Assert.True(full - bare > 15, $"{full} vs {bare}");
    }

    [Fact]
    public void A_request_without_messages_is_the_reply_priming_alone()
    {
        Assert.Equal(TokenEstimator.ReplyPriming, Estimate("""{"model":"m"}"""));
    }

    private static long Estimate(string request) => TokenEstimator.Estimate(JsonNode.Parse(request)!.AsObject());
}
