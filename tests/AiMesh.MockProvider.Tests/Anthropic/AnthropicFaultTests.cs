using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

public sealed class AnthropicFaultTests : AnthropicMockTest
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public async Task A_status_scenario_answers_with_anthropics_error_body(int status, string type)
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), path: $"s/status={status};retryAfter=4/v1/messages");

        Assert.Equal(status, (int)response.StatusCode);
        AssertError(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, type);
        Assert.Equal(status is 429 or 529, response.Headers.TryGetValues("retry-after", out var retryAfter));
        if (status is 429 or 529)
        {
            Assert.Equal("4", retryAfter!.Single());
        }
    }

    [Fact]
    public async Task Status_count_fails_only_the_first_requests()
    {
        using var first = await PostMessagesAsync(MessagesBody("hi"), scenario: "status=529;statusCount=1");
        using var second = await PostMessagesAsync(MessagesBody("hi"), scenario: "status=529;statusCount=1");

        Assert.Equal((529, 200), ((int)first.StatusCode, (int)second.StatusCode));
    }

    [Fact]
    public async Task A_whole_answer_can_be_cut_mid_body()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), scenario: "cutAfter=1");

        await Assert.ThrowsAnyAsync<Exception>(async () => JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/messages", WaitTimeout);
        Assert.True(recorded.Aborted);
    }

    [Fact]
    public async Task The_openai_routes_keep_their_own_error_shape()
    {
        var (response, json) = await PostJsonAsync("s/status=529/v1/chat/completions", ChatBody("hi"));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("server_error", json.GetProperty("error").GetProperty("type").GetString());
    }
}
