using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

/// <summary>What Anthropic refuses, the mock refuses too, in Anthropic's words: a gateway's translation mistakes fail in tests.</summary>
public sealed class AnthropicRejectionTests : AnthropicMockTest
{
    [Fact]
    public async Task A_missing_key_is_an_authentication_error()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), key: false);

        Assert.Equal(401, (int)response.StatusCode);
        AssertError(await Json(response), "authentication_error");
    }

    [Fact]
    public async Task A_missing_version_header_is_refused()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), version: false);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("anthropic-version", (await Json(response)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":10,"n":2,"messages":[{"role":"user","content":"hi"}]}""", "n: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":10,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", "stream_options")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"system","content":"hi"}]}""", "messages.0.role")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[]}""", "at least one message")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "non-empty")]
    [InlineData("""{"model":"m","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}""", "temperature")]
    [InlineData("""{"model":"m","max_tokens":1024,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]}""", "budget_tokens")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"nope","content":"x"}]}]}""", "tool_use_id")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":"no result"}]}""", "without `tool_result`")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":"{}"}]}]}""", "input")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/tiff","data":"AA=="}}]}]}""", "source")]
    [InlineData("""{"model":"m","max_tokens":10,"tool_choice":{"type":"required"},"messages":[{"role":"user","content":"hi"}]}""", "tool_choice")]
    [InlineData("""{"model":"m","max_tokens":10,"tools":[{"name":"f"}],"messages":[{"role":"user","content":"hi"}]}""", "input_schema")]
    [InlineData("not json", "parsing")]
    public async Task Requests_anthropic_would_refuse_are_invalid_request_errors(string body, string mentions)
    {
        using var response = await PostMessagesAsync(body);

        Assert.Equal(400, (int)response.StatusCode);
        var json = await Json(response);
        AssertError(json, "invalid_request_error");
        Assert.Contains(mentions, json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("req_mock_", json.GetProperty("request_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_scenario_on_the_messages_path_answers_in_anthropics_shape()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), scenario: "nonsense=1");

        Assert.Equal(400, (int)response.StatusCode);
        AssertError(await Json(response), "invalid_request_error");
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
