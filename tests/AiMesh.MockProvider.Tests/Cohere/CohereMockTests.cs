using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Cohere;

/// <summary>The mock's Cohere v2 API (<c>/v2/chat</c>, <c>/v2/embed</c>) on a real socket, as Cohere's clients call it.</summary>
public sealed class CohereMockTests : MockProviderTest
{
    private const string Tool = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";

    [Fact]
    public async Task A_chat_answers_with_cohere_s_message_finish_reason_and_both_usage_counts()
    {
        var json = await AnswerAsync(ChatBody("hello there"));

        Assert.StartsWith("mock-cohere-", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("COMPLETE", json.GetProperty("finish_reason").GetString());
        var content = json.GetProperty("message").GetProperty("content")[0];
        Assert.Equal(("text", "This is a deterministic reply from the AiMesh"), (content.GetProperty("type").GetString(), content.GetProperty("text").GetString()));
        var usage = json.GetProperty("usage");
        Assert.Equal((4, 8), (usage.GetProperty("billed_units").GetProperty("input_tokens").GetInt32(), usage.GetProperty("billed_units").GetProperty("output_tokens").GetInt32()));
        Assert.Equal(9, usage.GetProperty("tokens").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Max_tokens_and_stop_sequences_end_the_answer_as_cohere_says()
    {
        var limited = await AnswerAsync(ChatBody("hi", extra: ""","max_tokens":2"""));
        var stopped = await AnswerAsync(ChatBody("hi", extra: ""","stop_sequences":["deterministic"]"""));

        Assert.Equal(("MAX_TOKENS", "This is"), (limited.GetProperty("finish_reason").GetString(), Text(limited)));
        Assert.Equal(("STOP_SEQUENCE", "This is a"), (stopped.GetProperty("finish_reason").GetString(), Text(stopped)));
    }

    [Fact]
    public async Task A_required_tool_choice_gives_one_tool_call_and_a_plan_when_asked_with_a_plan()
    {
        var json = await AnswerAsync(ChatBody("weather with a plan", extra: $$""","tools":[{{Tool}}],"tool_choice":"REQUIRED" """));

        Assert.Equal("TOOL_CALL", json.GetProperty("finish_reason").GetString());
        var message = json.GetProperty("message");
        Assert.Equal("I will call get_weather.", message.GetProperty("tool_plan").GetString());
        var call = message.GetProperty("tool_calls")[0];
        Assert.Equal(("get_weather_mock_1", "get_weather", """{"mock":true}"""),
            (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString(), call.GetProperty("function").GetProperty("arguments").GetString()));
    }

    [Fact]
    public async Task A_stream_sends_cohere_s_named_events_in_order()
    {
        using var response = await PostAsync("v2/chat", ChatBody("hi", stream: true), scenario: "tokens=3");
        var events = await ReadEventsAsync(response);

        Assert.Equal(["message-start", "content-start", "content-delta", "content-delta", "content-delta", "content-end", "message-end"], events.Select(e => e.Name));
        Assert.Equal("This is a", string.Concat(events.Where(e => e.Name == "content-delta").Select(e => e.Data.GetProperty("delta").GetProperty("message").GetProperty("content").GetProperty("text").GetString())));
        var end = events[^1].Data.GetProperty("delta");
        Assert.Equal(("COMPLETE", 3), (end.GetProperty("finish_reason").GetString(), end.GetProperty("usage").GetProperty("tokens").GetProperty("output_tokens").GetInt32()));
        Assert.StartsWith("mock-cohere-", events[0].Data.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_tool_call_sends_the_plan_then_the_call_in_pieces()
    {
        using var response = await PostAsync("v2/chat", ChatBody("use a tool with a plan", stream: true, extra: $$""","tools":[{{Tool}}]"""));
        var events = await ReadEventsAsync(response);

        Assert.Equal(["message-start", "tool-plan-delta", "tool-plan-delta", "tool-plan-delta", "tool-call-start", "tool-call-delta", "tool-call-delta", "tool-call-delta", "tool-call-end", "message-end"],
            events.Select(e => e.Name));
        Assert.Equal("""{"mock":true}""", string.Concat(events.Where(e => e.Name == "tool-call-delta")
            .Select(e => e.Data.GetProperty("delta").GetProperty("message").GetProperty("tool_calls").GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("TOOL_CALL", events[^1].Data.GetProperty("delta").GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData(400, "invalid request")]
    [InlineData(401, "invalid api token")]
    [InlineData(429, "Trial key")]
    [InlineData(500, "internal server error")]
    [InlineData(503, "service unavailable")]
    public async Task A_status_scenario_answers_with_cohere_s_error_body(int status, string words)
    {
        using var response = await PostAsync($"s/status={status};retryAfter=4/v2/chat", ChatBody("hi"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(words, json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(json.TryGetProperty("id", out _));
        Assert.False(json.TryGetProperty("error", out _));
        Assert.Equal(status is 429 or 503 ? "4" : null, response.Headers.TryGetValues("retry-after", out var retry) ? retry.Single() : null);
    }

    [Theory]
    [InlineData(null, "no api key supplied")]
    [InlineData("bad-key", "invalid api token")]
    public async Task A_missing_or_wrong_key_is_a_401_in_cohere_s_words(string? key, string message)
    {
        using var response = await PostAsync("v2/chat", ChatBody("hi"), key: key);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(""","top_p":0.5""", "unknown field: parameter top_p is not a valid field")]
    [InlineData(""","tool_choice":"required" """, "tool_choice must be one of REQUIRED, NONE")]
    [InlineData(""","temperature":1.5""", "temperature must be between 0 and 1.0 inclusive")]
    [InlineData(""","stop_sequences":"END" """, "stop_sequences must be a list")]
    public async Task What_cohere_refuses_is_a_400_in_its_words(string extra, string message)
    {
        using var response = await PostAsync("v2/chat", ChatBody("hi", extra: extra));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_result_must_answer_an_earlier_call_the_system_turn_comes_first_and_a_too_long_prompt_is_too_many_tokens()
    {
        using var orphan = await PostAsync("v2/chat", """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"nope","content":"x"}]}""");
        using var tooLong = await PostAsync("v2/chat", ChatBody("toolong: words"));
        using var lateSystem = await PostAsync("v2/chat", """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"system","content":"late"}]}""");

        Assert.Equal((400, 400, 400), ((int)orphan.StatusCode, (int)tooLong.StatusCode, (int)lateSystem.StatusCode));
        Assert.Equal("system turn must be the first in the list", JsonDocument.Parse(await lateSystem.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.StartsWith("too many tokens:", JsonDocument.Parse(await tooLong.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cut_after_breaks_the_stream_after_that_many_deltas()
    {
        using var response = await PostAsync("v2/chat", ChatBody("hi", stream: true), scenario: "tokens=6;cutAfter=2");

        var text = new StringBuilder();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                text.AppendLine(line);
            }
        });
        Assert.Equal(2, CountOf(text.ToString(), "event: content-delta"));
        Assert.DoesNotContain("message-end", text.ToString(), StringComparison.Ordinal);
        Assert.True((await Mock.Recorder.WaitForAsync(r => r.Path == "/v2/chat", WaitTimeout)).Aborted);
    }

    [Fact]
    public async Task Error_after_ends_the_stream_as_cohere_ends_a_failed_one()
    {
        using var response = await PostAsync("v2/chat", ChatBody("hi", stream: true), scenario: "tokens=6;errorAfter=2;errorStatus=429");
        var events = await ReadEventsAsync(response);

        Assert.Equal(2, events.Count(e => e.Name == "content-delta"));
        var end = events[^1];
        Assert.Equal(("message-end", "ERROR"), (end.Name, end.Data.GetProperty("delta").GetProperty("finish_reason").GetString()));
        Assert.Contains("Trial key", end.Data.GetProperty("delta").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_answers_float_vectors_by_type_with_billed_tokens()
    {
        using var response = await PostAsync("v2/embed", """{"model":"embed-v4.0","texts":["hello world","hello world","x"],"input_type":"search_query","embedding_types":["float"],"output_dimension":256}""");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)response.StatusCode);
        var vectors = json.GetProperty("embeddings").GetProperty("float").EnumerateArray().Select(v => v.EnumerateArray().Select(f => f.GetSingle()).ToArray()).ToArray();
        Assert.Equal(3, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(256, v.Length));
        Assert.Equal(vectors[0], vectors[1]);
        Assert.NotEqual(vectors[0], vectors[2]);
        Assert.Equal(5, json.GetProperty("meta").GetProperty("billed_units").GetProperty("input_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"e","texts":["a"],"embedding_types":["float"]}""", "valid input_type must be provided")]
    [InlineData("""{"model":"e","texts":["a"],"input_type":"search_document","embedding_types":["float"],"output_dimension":100}""", "output_dimension must be one of")]
    [InlineData("""{"model":"e","texts":["a"],"input_type":"search_document","embedding_types":["float"],"dimensions":256}""", "unknown field: parameter dimensions")]
    public async Task Embed_refuses_what_cohere_refuses(string body, string message)
    {
        using var response = await PostAsync("v2/embed", body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static string Text(JsonElement answer) => answer.GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString()!;

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private async Task<JsonElement> AnswerAsync(string body)
    {
        using var response = await PostAsync("v2/chat", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string? scenario = null, string? key = "co-mock-key")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
