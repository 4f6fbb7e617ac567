using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class ChatCompletionTests : MockProviderTest
{
    private const string Tools = ""","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},{"type":"function","function":{"name":"get_time"}}]""";

    [Fact]
    public async Task NonStreamed_answer_has_the_chat_completion_shape()
    {
        var (response, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hello world"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("chatcmpl-mock-", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.True(json.GetProperty("created").GetInt64() > 1_600_000_000);
        Assert.Equal("mock-gpt", json.GetProperty("model").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("system_fingerprint").GetString()));

        var choice = Assert.Single(json.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("This is a deterministic reply from the AiMesh", message.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        var usage = json.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens").GetInt32()); // "be brief" + "hello world"
        Assert.Equal(8, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(12, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Echo_replies_with_the_rest_of_the_last_user_message()
    {
        var body = """{"model":"m","messages":[{"role":"user","content":"echo: first"},{"role":"assistant","content":"first"},{"role":"user","content":"echo:  one two   three "}]}""";

        var (_, json) = await PostJsonAsync("v1/chat/completions", body);

        var choice = json.GetProperty("choices")[0];
        Assert.Equal("one two three", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(3, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Canned_reply_cycles_the_sentence_to_the_requested_length()
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi"), scenarioHeader: "tokens=17");

        var words = json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Split(' ');
        Assert.Equal(17, words.Length);
        Assert.Equal("needed", words[14]);
        Assert.Equal("This", words[15]);
        Assert.Equal("is", words[16]);
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task A_token_limit_below_the_reply_truncates_it_with_finish_reason_length(string limit)
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi", extra: $",\"{limit}\":3"));

        var choice = json.GetProperty("choices")[0];
        Assert.Equal("This is a", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(3, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task N_gives_that_many_choices()
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi", extra: ",\"n\":3"));

        var choices = json.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("This is a deterministic reply from the AiMesh", c.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal(24, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Prompt_tokens_count_only_the_text_parts_of_array_content()
    {
        var body = """
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"text","text":"what is in"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA lots of words here"}},
              {"type":"text","text":"this picture"}]}]}
            """;

        var (_, json) = await PostJsonAsync("v1/chat/completions", body);

        Assert.Equal(5, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"json_object"}""")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}""")]
    public async Task Json_response_format_returns_a_json_object(string format)
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi", extra: $",\"response_format\":{format}"));

        var content = json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.True(JsonDocument.Parse(content).RootElement.GetProperty("mock").GetBoolean());
    }

    [Fact]
    public async Task Required_tool_choice_calls_the_first_tool()
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("what is the weather", extra: Tools + ",\"tool_choice\":\"required\""));

        var choice = json.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_mock_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"mock":true}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task A_named_tool_choice_calls_that_tool()
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions",
            ChatBody("hi", extra: Tools + ""","tool_choice":{"type":"function","function":{"name":"get_time"}}"""));

        var call = json.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_time", call.GetProperty("function").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(",\"tool_choice\":\"auto\"", true)]
    [InlineData(",\"tool_choice\":\"none\"", false)]
    public async Task Auto_tool_choice_calls_a_tool_when_asked_to(string toolChoice, bool expectCall)
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("please Use a tool now", extra: Tools + toolChoice));

        var choice = json.GetProperty("choices")[0];
        Assert.Equal(expectCall, choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal(expectCall ? "tool_calls" : "stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Auto_tool_choice_answers_in_text_when_not_asked_to_use_a_tool()
    {
        var (_, json) = await PostJsonAsync("v1/chat/completions", ChatBody("what is the weather", extra: Tools));

        Assert.Equal("stop", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_with_the_openai_error_envelope()
    {
        var (response, json) = await PostJsonAsync("v1/chat/completions", """{"model":"m","messages":[""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = json.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"","messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":0}""", "n")]
    public async Task Missing_or_invalid_parameters_are_a_400_naming_the_parameter(string body, string param)
    {
        var (response, json) = await PostJsonAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(param, json.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_with_the_error_envelope()
    {
        var (response, json) = await PostJsonAsync("v1/completions-that-do-not-exist", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("v1/completions-that-do-not-exist", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
