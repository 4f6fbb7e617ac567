using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiChatResponseTests
{
    private static readonly FixedTime Time = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));

    private readonly GeminiAdapter adapter = new(Time);

    [Fact]
    public void Reads_text_tool_calls_finish_and_usage_into_an_openai_completion()
    {
        const string answer = """
            {"candidates":[
              {"content":{"role":"model","parts":[{"text":"Thinking…","thought":true},{"text":"Let me "},{"text":"check."},
                {"functionCall":{"name":"lookup","args":{"q":"cat","n":2}},"thoughtSignature":"c2ln"},
                {"functionCall":{"name":"weather"}},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},
               "finishReason":"STOP","safetyRatings":[]},
              {"content":{"role":"model","parts":[{"text":"Second"}]},"finishReason":"MAX_TOKENS","index":1}],
             "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"thoughtsTokenCount":7,"cachedContentTokenCount":40,
               "toolUsePromptTokenCount":3,"totalTokenCount":130},
             "modelVersion":"gemini-2.5-flash","responseId":"abc"}
            """;
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"), Encoding.UTF8.GetBytes(answer));

        const string id = "0f8fad5bd9cb469fa16570867728950e";
        var expected = JsonNode.Parse($$$$"""
            {"id":"chatcmpl-{{{{id}}}}","object":"chat.completion","created":1750000000,"model":"gemini-public",
             "choices":[
               {"index":0,"message":{"role":"assistant","content":"Let me check.","refusal":null,"tool_calls":[
                  {"id":"call_{{{{id}}}}_0_0~ts~c2ln","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\",\"n\":2}"}},
                  {"id":"call_{{{{id}}}}_0_1","type":"function","function":{"name":"weather","arguments":"{}"}}]},
                "logprobs":null,"finish_reason":"tool_calls"},
               {"index":1,"message":{"role":"assistant","content":"Second","refusal":null},"logprobs":null,"finish_reason":"length"}],
             "usage":{"prompt_tokens":103,"completion_tokens":27,"total_tokens":130,
               "prompt_tokens_details":{"cached_tokens":40,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":7,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(response.Body!)), response.Body);
        Assert.Equal(new(103, 27, 40, 7), response.Usage);
        Assert.Null(response.Error);
    }

    [Theory]
    [InlineData("STOP", "stop")]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("BLOCKLIST", "content_filter")]
    [InlineData("PROHIBITED_CONTENT", "content_filter")]
    [InlineData("SPII", "content_filter")]
    [InlineData("IMAGE_SAFETY", "content_filter")]
    public void Maps_finish_reasons(string reason, string finish)
    {
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"), Encoding.UTF8.GetBytes(
            $$$"""{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"{{{reason}}}"}]}"""));
        Assert.Equal(finish, (string?)JsonNode.Parse(response.Body!)!["choices"]![0]!["finish_reason"]);
        Assert.Null(response.Usage);
    }

    [Fact]
    public void A_safety_stop_without_content_has_null_content()
    {
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"), """{"candidates":[{"finishReason":"SAFETY","safetyRatings":[{"category":"X","blocked":true}]}]}"""u8);
        var choice = JsonNode.Parse(response.Body!)!["choices"]![0]!;
        Assert.Equal(("content_filter", null), ((string?)choice["finish_reason"], choice["message"]!["content"]?.ToJsonString()));
    }

    [Theory]
    [InlineData("MALFORMED_FUNCTION_CALL")]
    [InlineData("OTHER")]
    [InlineData("LANGUAGE")]
    [InlineData("FINISH_REASON_UNSPECIFIED")]
    [InlineData("SOMETHING_NEW")]
    public void A_finish_reason_without_an_openai_meaning_fails_the_call_instead_of_inventing_one(string reason)
    {
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"), Encoding.UTF8.GetBytes(
            $$$"""{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"{{{reason}}}"}],"usageMetadata":{"promptTokenCount":5}}"""));
        Assert.False(response.IsValid);
        Assert.Equal(UpstreamErrorKind.Unknown, response.Error!.Kind);
        Assert.Contains(reason, response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(5, response.Usage!.PromptTokens);
    }

    [Fact]
    public void A_blocked_prompt_is_a_content_filter_refusal_with_its_usage()
    {
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"),
            """{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9}}"""u8);
        Assert.False(response.IsValid);
        Assert.Equal(UpstreamErrorKind.ContentFiltered, response.Error!.Kind);
        Assert.Equal(new(9, 0), response.Usage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>oops</html>")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"candidates":[]}""")]
    [InlineData("""{"candidates":[{"content":{"parts":[{"text":"no finish"}]}}]}""")]
    public void Refuses_an_answer_that_is_not_a_complete_generate_content_response(string answer)
    {
        var response = adapter.ReadResponse(GeminiCalls.Chat("{}"), Encoding.UTF8.GetBytes(answer));
        Assert.False(response.IsValid);
        Assert.Null(response.Error);
    }

    [Fact]
    public void The_vertex_adapter_reads_the_same_answers()
    {
        var vertex = new VertexAdapter(Time, null!);
        var body = """{"candidates":[{"content":{"parts":[{"text":"hi"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1}}"""u8;
        Assert.Equal(
            adapter.ReadResponse(GeminiCalls.Chat("{}"), body).Body,
            vertex.ReadResponse(GeminiCalls.Chat("{}", deployment: GeminiCalls.Vertex()), body).Body);
    }
}
