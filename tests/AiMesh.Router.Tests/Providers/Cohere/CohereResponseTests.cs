using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

public sealed class CohereResponseTests
{
    private const string Question = """{"model":"command-public","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void A_text_answer_reads_as_exactly_the_chat_completion_openai_sends()
    {
        var response = Adapter.ReadResponse(Call(Question), """
            {"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE",
             "message":{"role":"assistant","content":[{"type":"text","text":"Hello, "},{"type":"text","text":"wörld"}],
               "citations":[{"start":0,"end":5,"text":"Hello","sources":[]}]},
             "usage":{"billed_units":{"input_tokens":5,"output_tokens":3},"tokens":{"input_tokens":71,"output_tokens":3}}}
            """u8);

        Assert.Equal("""
            {"id":"chatcmpl-c14c80c3-18eb-4519-9460-6c92edd8cfb4","object":"chat.completion","created":1700000000,"model":"command-public","choices":[{"index":0,"message":{"role":"assistant","content":"Hello, wörld","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":71,"completion_tokens":3,"total_tokens":74,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """, response.Body);
        Assert.Equal(new TokenUsage(71, 3), response.Usage);
    }

    [Fact]
    public void A_tool_answer_gives_its_plan_as_content_and_its_calls_as_tool_calls()
    {
        var response = Adapter.ReadResponse(Call(Question), """
            {"id":"x","finish_reason":"TOOL_CALL",
             "message":{"role":"assistant","tool_plan":"I will look it up.","tool_calls":[
               {"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Toronto\"}"}},
               {"id":"get_time_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
             "usage":{"billed_units":{"input_tokens":37,"output_tokens":28},"cached_tokens":12}}
            """u8);

        var message = JsonNode.Parse(response.Body!)!["choices"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"index":0,"message":{"role":"assistant","content":"I will look it up.","refusal":null,"tool_calls":[
               {"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Toronto\"}"}},
               {"id":"get_time_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
             "logprobs":null,"finish_reason":"tool_calls"}
            """), message), message.ToJsonString());
        // Without "tokens", the billed counts; Cohere's cached tokens are OpenAI's cached prompt tokens.
        Assert.Equal(new TokenUsage(37, 28, CachedTokens: 12), response.Usage);
    }

    [Fact]
    public void Thinking_reads_as_reasoning_content_beside_the_answer()
    {
        var response = Adapter.ReadResponse(Call(Question), """
            {"id":"x","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"thinking","thinking":"Hmm."},{"type":"text","text":"Yes."}]}}
            """u8);

        var message = JsonNode.Parse(response.Body!)!["choices"]![0]!["message"]!;
        Assert.Equal(("Yes.", "Hmm."), ((string?)message["content"], (string?)message["reasoning_content"]));
        Assert.Null(response.Usage);
    }

    [Theory]
    [InlineData("COMPLETE", "stop")]
    [InlineData("STOP_SEQUENCE", "stop")]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("ERROR_LIMIT", "length")]
    [InlineData("TOOL_CALL", "tool_calls")]
    [InlineData("ERROR_TOXIC", "content_filter")]
    public void Finish_reasons_map_to_openai_s(string cohere, string openAi)
    {
        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(
            $$$"""{"id":"x","finish_reason":"{{{cohere}}}","message":{"role":"assistant","content":[{"type":"text","text":"a"}]}}"""));

        Assert.Equal(openAi, (string?)JsonNode.Parse(response.Body!)!["choices"]![0]!["finish_reason"]);
    }

    [Theory]
    [InlineData("ERROR")]
    [InlineData("USER_CANCEL")]
    [InlineData("SOMETHING_NEW")]
    public void A_finish_reason_with_no_openai_meaning_is_a_failure_not_an_invented_stop(string reason)
    {
        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(
            $$$$"""{"id":"x","finish_reason":"{{{{reason}}}}","message":{"role":"assistant","content":[]},"usage":{"tokens":{"input_tokens":4,"output_tokens":0}}}"""));

        Assert.False(response.IsValid);
        Assert.Contains(reason, response.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(4, 0), response.Usage);
    }

    [Theory]
    [InlineData("""{"id":"x","message":{"role":"assistant","content":[]}}""")]
    [InlineData("""{"id":"x","finish_reason":"COMPLETE"}""")]
    [InlineData("""{"id":"x","finish_reason":"TOOL_CALL","message":{"tool_calls":[{"type":"function","function":{"name":"f"}}]}}""")]
    [InlineData("""[1]""")]
    [InlineData("""not json""")]
    public void An_answer_that_is_not_a_cohere_chat_answer_is_invalid(string body)
    {
        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(body));

        Assert.False(response.IsValid);
        Assert.Null(response.Error);
    }
}
