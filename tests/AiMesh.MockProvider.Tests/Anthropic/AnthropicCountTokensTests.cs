using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

public sealed class AnthropicCountTokensTests : AnthropicMockTest
{
    private const string CountPath = "v1/messages/count_tokens";

    [Fact]
    public async Task The_count_is_the_words_of_system_and_messages_plus_ten_per_tool()
    {
        using var response = await PostMessagesAsync(
            $$"""{"model":"claude","system":[{"type":"text","text":"Be brief."}],"tools":[{{Tool}}],"messages":[{"role":"user","content":"one two three"},{"role":"assistant","content":[{"type":"text","text":"four"}]}]}""",
            path: CountPath);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2 + 3 + 1 + 10, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Members_other_than_the_input_are_refused_as_anthropic_refuses_them()
    {
        using var response = await PostMessagesAsync("""{"model":"claude","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", path: CountPath);

        Assert.Equal(400, (int)response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertError(body, "invalid_request_error");
        Assert.Contains("max_tokens", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_without_a_key_is_401_and_a_status_scenario_answers_in_anthropics_shape()
    {
        using var unauthenticated = await PostMessagesAsync("""{"model":"claude","messages":[]}""", path: CountPath, key: false);
        Assert.Equal(401, (int)unauthenticated.StatusCode);
        AssertError(JsonDocument.Parse(await unauthenticated.Content.ReadAsStringAsync()).RootElement, "authentication_error");

        using var overloaded = await PostMessagesAsync("""{"model":"claude","messages":[]}""", path: "s/status=529/" + CountPath);
        Assert.Equal(529, (int)overloaded.StatusCode);
        AssertError(JsonDocument.Parse(await overloaded.Content.ReadAsStringAsync()).RootElement, "overloaded_error");
    }
}
