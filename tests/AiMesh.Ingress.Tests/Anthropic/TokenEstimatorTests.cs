using System.Text;
using AiMesh.Ingress.Anthropic;

namespace AiMesh.Ingress.Tests.Anthropic;

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
        var withTool = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"get_weather","input_schema":{"type":"object"}}]}""");
        var withImage = Estimate("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}""");

        Assert.InRange(withTool - plain, TokenEstimator.ToolUseSystemPrompt + 3, TokenEstimator.ToolUseSystemPrompt + 15);
        Assert.Equal(TokenEstimator.PerImageOrDocument, withImage - plain);
    }

    [Fact]
    public void Tool_calls_results_and_thinking_are_counted()
    {
        var bare = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"ok"}]}]}""");
        var full = Estimate("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"thinking","thinking":"a long thought about the weather","signature":"s"},{"type":"text","text":"ok"},{"type":"tool_use","id":"t","name":"get_weather","input":{"city":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"sunny and warm"}]}]}""");

        Assert.True(full - bare > 15, $"{full} vs {bare}");
    }

    private static long Estimate(string request)
    {
        var (canonical, _, error) = AnthropicRequestValidator.Canonical(Encoding.UTF8.GetBytes(request), 64, counting: true);
        Assert.Null(error);
        return TokenEstimator.Estimate(canonical!);
    }
}
