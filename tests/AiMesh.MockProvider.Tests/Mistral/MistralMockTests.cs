using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Mistral;

/// <summary>The mock's Mistral API under <c>/mistral/v1</c>: its strictness, its shapes, its stream, its errors.</summary>
public sealed class MistralMockTests : MockProviderTest
{
    private const string ChatPath = "mistral/v1/chat/completions";
    private const string Tools = ""","tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]""";

    [Fact]
    public async Task A_completion_has_mistrals_shape()
    {
        var (status, json) = await PostAsync(ChatBody("hello", extra: ",\"random_seed\":3,\"safe_prompt\":true"));

        Assert.Equal(200, status);
        Assert.Equal(("chat.completion", "mock-gpt"), (json.GetProperty("object").GetString(), json.GetProperty("model").GetString()));
        Assert.False(json.TryGetProperty("system_fingerprint", out _));
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("tool_calls").ValueKind);
        Assert.Equal(8, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData(",\"seed\":1", "seed")]
    [InlineData(",\"stream_options\":{\"include_usage\":true}", "stream_options")]
    [InlineData(",\"max_completion_tokens\":5", "max_completion_tokens")]
    [InlineData(",\"user\":\"u\"", "user")]
    public async Task A_member_mistral_does_not_define_is_a_422(string extra, string field)
    {
        var (status, json) = await PostAsync(ChatBody("hi", extra: extra));

        Assert.Equal(422, status);
        var detail = json.GetProperty("message").GetProperty("detail")[0];
        Assert.Equal(("extra_forbidden", field), (detail.GetProperty("type").GetString(), detail.GetProperty("loc")[1].GetString()));
    }

    [Fact]
    public async Task Tool_call_ids_must_be_nine_letters_and_digits_and_any_forces_a_call()
    {
        const string history = """
            {"model":"m","messages":[{"role":"user","content":"hi"},
              {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"r"}]}
            """;

        var (refused, error) = await PostAsync(history);
        var (status, json) = await PostAsync(ChatBody("hi", extra: ",\"tool_choice\":\"any\"" + Tools));

        Assert.Equal(400, refused);
        Assert.Contains("length of 9", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, status);
        var call = json.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal(("MockCall1", "lookup"), (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("tool_calls", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task A_stream_carries_the_finish_and_usage_on_the_last_content_then_done()
    {
        using var response = await SendAsync(ChatBody("hi", stream: true, extra: Tools + ",\"tool_choice\":\"required\""));
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();
        using var text = await SendAsync(ChatBody("hi", stream: true), scenario: "tokens=3");
        using var textSse = new SseReader(await text.Content.ReadAsStreamAsync());
        var textEvents = await textSse.ReadAllAsync();

        // Role, the tool call whole with the finish and the usage, [DONE].
        Assert.Equal(3, events.Count);
        var last = SseReader.Parse(events[1]);
        var call = last.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal("""{"mock":true}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.False(call.TryGetProperty("type", out _));
        Assert.Equal("tool_calls", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(last.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(SseReader.Done, events[^1]);

        // Role, three words (the last with the finish and the usage), [DONE].
        Assert.Equal(5, textEvents.Count);
        var final = SseReader.Parse(textEvents[3]);
        Assert.Equal((" a", "stop"), (final.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString(),
            final.GetProperty("choices")[0].GetProperty("finish_reason").GetString()));
        Assert.Equal(3, final.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, SseReader.Parse(textEvents[2]).GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        Assert.False(SseReader.Parse(textEvents[2]).TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task An_error_after_some_content_is_an_error_object_in_the_stream()
    {
        using var response = await SendAsync(ChatBody("hi", stream: true), scenario: "tokens=5;errorAfter=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(4, events.Count);
        Assert.Equal("error", SseReader.Parse(events[^1]).GetProperty("object").GetString());
    }

    [Theory]
    [InlineData("status=429", 429, "Requests rate limit exceeded")]
    [InlineData("status=503", 503, "Service unavailable.")]
    public async Task A_status_scenario_answers_with_mistrals_error_body(string scenario, int status, string message)
    {
        var (code, json) = await PostAsync(ChatBody("hi"), scenario);

        Assert.Equal((status, message), (code, json.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_missing_key_is_unauthorized_and_a_long_prompt_is_too_large()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath) { Content = JsonBody(ChatBody("hi")) };
        using var unauthorized = await Http.SendAsync(request);
        var (status, json) = await PostAsync(ChatBody("toolong: x"));

        Assert.Equal(401, (int)unauthorized.StatusCode);
        Assert.Equal("Unauthorized", JsonDocument.Parse(await unauthorized.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(400, status);
        Assert.Contains("maximum context length", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_take_output_dimension_and_refuse_openais_dimensions()
    {
        var (status, json) = await PostAsync("""{"model":"mistral-embed","input":["a"],"output_dimension":3}""", path: "mistral/v1/embeddings");
        var (refused, _) = await PostAsync("""{"model":"mistral-embed","input":["a"],"dimensions":3}""", path: "mistral/v1/embeddings");

        Assert.Equal((200, 3), (status, json.GetProperty("data")[0].GetProperty("embedding").GetArrayLength()));
        Assert.Equal(422, refused);
    }

    private async Task<(int Status, JsonElement Json)> PostAsync(string body, string? scenario = null, string path = ChatPath)
    {
        using var response = await SendAsync(body, scenario, path);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<HttpResponseMessage> SendAsync(string body, string? scenario = null, string path = ChatPath)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "mistral-mock-key");
        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
