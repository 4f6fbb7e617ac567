using System.Net;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Gemini;

public sealed class GeminiGenerateTests : GoogleMockTest
{
    private const string Path = "v1beta/models/gemini-2.5-flash:generateContent";
    private const string StreamPath = "v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    [Fact]
    public async Task Answers_generate_content_with_candidates_usage_and_the_model_version()
    {
        var (response, json) = await PostGoogleAsync(Path, Generate("hello there", ""","systemInstruction":{"parts":[{"text":"be brief"}]}"""), scenario: "tokens=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var candidate = Assert.Single(json.GetProperty("candidates").EnumerateArray());
        Assert.Equal("This is a", candidate.GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal("model", candidate.GetProperty("content").GetProperty("role").GetString());
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        Assert.False(candidate.TryGetProperty("index", out _));
        var usage = json.GetProperty("usageMetadata");
        Assert.Equal((4, 3, 7), (usage.GetProperty("promptTokenCount").GetInt32(), usage.GetProperty("candidatesTokenCount").GetInt32(), usage.GetProperty("totalTokenCount").GetInt32()));
        Assert.Equal("gemini-2.5-flash", json.GetProperty("modelVersion").GetString());

        var recorded = Assert.Single(Mock.Recorder.Snapshot());
        Assert.Equal(("/v1beta/models/gemini-2.5-flash:generateContent", Key), (recorded.Path, recorded.Headers["x-goog-api-key"]));
    }

    [Fact]
    public async Task Streams_one_event_per_word_with_crlf_framing_and_the_finish_and_usage_on_the_last()
    {
        using var response = await PostStreamWithKeyAsync(StreamPath, Generate("hi"), "tokens=4");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Equal(4, events.Count);
        Assert.Equal(["This", " is", " a", " deterministic"], events.Select(e => e.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString()));
        Assert.All(events[..^1], e => Assert.False(e.GetProperty("candidates")[0].TryGetProperty("finishReason", out _)));
        Assert.All(events[..^1], e => Assert.False(e.GetProperty("usageMetadata").TryGetProperty("candidatesTokenCount", out _)));
        Assert.Equal("STOP", events[^1].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
        Assert.Equal(4, events[^1].GetProperty("usageMetadata").GetProperty("candidatesTokenCount").GetInt32());
        Assert.True((await Mock.Recorder.WaitForAsync(r => r.Path.EndsWith(":streamGenerateContent", StringComparison.Ordinal), WaitTimeout)).Completed);
    }

    [Fact]
    public async Task Without_alt_sse_streams_as_a_json_array_of_responses()
    {
        var (response, json) = await PostGoogleAsync("v1beta/models/m:streamGenerateContent", Generate("hi"), scenario: "tokens=2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, json.GetArrayLength());
        Assert.Equal("STOP", json[1].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
    }

    [Fact]
    public async Task Calls_a_function_with_a_thought_signature_when_tools_are_given_and_answers_its_result_in_words()
    {
        const string tools = ""","tools":[{"functionDeclarations":[{"name":"lookup","parameters":{"type":"OBJECT"}}]}]""";
        var (_, call) = await PostGoogleAsync(Path, Generate("please use a tool", tools));
        var part = call.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0];
        Assert.Equal("lookup", part.GetProperty("functionCall").GetProperty("name").GetString());
        Assert.True(part.GetProperty("functionCall").GetProperty("args").GetProperty("mock").GetBoolean());
        Assert.False(string.IsNullOrEmpty(part.GetProperty("thoughtSignature").GetString()));
        Assert.Equal("STOP", call.GetProperty("candidates")[0].GetProperty("finishReason").GetString());

        var history = """{"contents":[{"role":"user","parts":[{"text":"please use a tool"}]},{"role":"model","parts":["""
            + part.GetRawText()
            + """]},{"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"output":"42"}}}]}]""" + tools + "}";
        var (_, answer) = await PostGoogleAsync(Path, history, scenario: "tokens=2");
        Assert.Equal("This is", answer.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"mode":"ANY","allowedFunctionNames":["second"]}""", "second")]
    [InlineData("""{"mode":"ANY"}""", "first")]
    public async Task Calls_the_function_the_config_requires(string config, string expected)
    {
        var body = Generate("no hint", ""","tools":[{"functionDeclarations":[{"name":"first"},{"name":"second"}]}],"toolConfig":{"functionCallingConfig":""" + config + "}");
        var (_, json) = await PostGoogleAsync(Path, body);
        Assert.Equal(expected, json.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("functionCall").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_gemini_3_model_refuses_a_function_call_in_the_history_without_its_thought_signature()
    {
        var body = """
            {"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
              {"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]}
            """;
        var (response, json) = await PostGoogleAsync("v1beta/models/gemini-3-pro:generateContent", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("thought_signature", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var (older, _) = await PostGoogleAsync(Path, body);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
    }

    [Theory]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"stream":true}""", "Unknown name \"stream\"")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"max_tokens":5}}""", "Unknown name \"max_tokens\"")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"hi","image_url":"x"}]}]}""", "Unknown name \"image_url\"")]
    [InlineData("""{"contents":[{"role":"assistant","parts":[{"text":"hi"}]}]}""", "valid role")]
    [InlineData("""{"contents":[{"role":"user","parts":[]}]}""", "must not be empty")]
    [InlineData("""{"contents":[]}""", "contents is not specified")]
    [InlineData("""{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"responseSchema":{"type":"OBJECT"}}}""", "application/json")]
    [InlineData("""{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"candidateCount":9}}""", "candidateCount")]
    [InlineData("not json", "Invalid JSON payload")]
    public async Task Refuses_what_google_refuses_with_its_error_body(string body, string message)
    {
        var (response, json) = await PostGoogleAsync(Path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("INVALID_ARGUMENT", 400), GoogleError(json));
        Assert.Contains(message, json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requires_the_key_in_its_header_and_refuses_it_in_the_url()
    {
        var (missing, missingJson) = await PostGoogleAsync(Path, Generate("hi"), key: null);
        Assert.Equal((HttpStatusCode.Forbidden, "PERMISSION_DENIED"), (missing.StatusCode, GoogleError(missingJson).Status));

        var (bad, badJson) = await PostGoogleAsync(Path, Generate("hi"), key: "bad-key");
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (bad.StatusCode, GoogleError(badJson).Status));
        Assert.Equal("API_KEY_INVALID", badJson.GetProperty("error").GetProperty("details")[0].GetProperty("reason").GetString());

        var (inUrl, inUrlJson) = await PostGoogleAsync(Path + "?key=AIza-in-url", Generate("hi"));
        Assert.Equal(HttpStatusCode.BadRequest, inUrl.StatusCode);
        Assert.Contains("x-goog-api-key", inUrlJson.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(500, "INTERNAL")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(404, "NOT_FOUND")]
    public async Task A_status_scenario_answers_with_googles_error_body(int status, string name)
    {
        var (response, json) = await PostGoogleAsync(Path, Generate("hi"), scenario: $"status={status};retryAfter=7");
        Assert.Equal((status, name, status), ((int)response.StatusCode, GoogleError(json).Status, GoogleError(json).Code));
        Assert.False(response.Headers.Contains("retry-after"));
        if (status == 429)
        {
            var retry = json.GetProperty("error").GetProperty("details")[0];
            Assert.Equal(("type.googleapis.com/google.rpc.RetryInfo", "7s"), (retry.GetProperty("@type").GetString(), retry.GetProperty("retryDelay").GetString()));
        }
    }

    [Fact]
    public async Task A_blocked_prompt_has_prompt_feedback_and_no_candidates_whole_and_streamed()
    {
        var (_, json) = await PostGoogleAsync(Path, Generate("block: something bad"));
        Assert.Equal("SAFETY", json.GetProperty("promptFeedback").GetProperty("blockReason").GetString());
        Assert.False(json.TryGetProperty("candidates", out _));

        using var response = await PostStreamWithKeyAsync(StreamPath, Generate("block: again"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Single(text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"blockReason\":\"SAFETY\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finish_scenario_sets_the_finish_reason_and_too_long_input_is_refused_as_google_does()
    {
        var (_, safety) = await PostGoogleAsync(Path, Generate("hi"), scenario: "finish=SAFETY");
        Assert.Equal("SAFETY", safety.GetProperty("candidates")[0].GetProperty("finishReason").GetString());

        var (_, limited) = await PostGoogleAsync(Path, Generate("hi", ""","generationConfig":{"maxOutputTokens":2}"""));
        Assert.Equal("MAX_TOKENS", limited.GetProperty("candidates")[0].GetProperty("finishReason").GetString());

        var (tooLong, json) = await PostGoogleAsync(Path, Generate("toolong: a b c"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("exceeds the maximum number of tokens", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fail_prompt_ends_the_stream_with_an_error_event()
    {
        using var response = await PostStreamWithKeyAsync(StreamPath, Generate("fail:RESOURCE_EXHAUSTED now"), "tokens=5");
        var events = (await response.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        using var last = JsonDocument.Parse(events[^1]["data: ".Length..]);
        Assert.Equal(("RESOURCE_EXHAUSTED", 429), GoogleError(last.RootElement));
    }

    [Fact]
    public async Task Cut_after_resets_the_stream_before_the_finishing_event()
    {
        using var response = await PostStreamWithKeyAsync(StreamPath, Generate("hi"), "tokens=8;cutAfter=99");
        var body = await response.Content.ReadAsStreamAsync();
        var read = new MemoryStream();
        await Assert.ThrowsAnyAsync<Exception>(() => body.CopyToAsync(read));
        var text = Encoding.UTF8.GetString(read.ToArray());
        Assert.Equal(7, text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("finishReason", text, StringComparison.Ordinal);
        Assert.True((await Mock.Recorder.WaitForAsync(_ => true, WaitTimeout)).Aborted);
    }

    [Fact]
    public async Task Stall_after_holds_the_stream_until_the_caller_leaves()
    {
        var response = await PostStreamWithKeyAsync(StreamPath, Generate("hi"), "tokens=5;stallAfter=2");
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (text.ToString().Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Length < 2)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, await body.ReadAsync(buffer)));
        }

        Assert.False(Assert.Single(Mock.Recorder.Snapshot()).Finished);
        response.Dispose();

        var recorded = await Mock.Recorder.WaitForAsync(_ => true, WaitTimeout);
        Assert.True(recorded.Cancelled);
        Assert.DoesNotContain("finishReason", text.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostStreamWithKeyAsync(string path, string body, string? scenario = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        request.Headers.Add("x-goog-api-key", Key);
        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }
}
