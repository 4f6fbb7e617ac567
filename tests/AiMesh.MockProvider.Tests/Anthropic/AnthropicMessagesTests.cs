using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

public sealed class AnthropicMessagesTests : AnthropicMockTest
{
    [Fact]
    public async Task A_message_has_anthropics_shape_and_the_shared_deterministic_reply()
    {
        using var response = await PostMessagesAsync(MessagesBody("hello world"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("req_mock_", response.Headers.GetValues("request-id").Single(), StringComparison.Ordinal);
        Assert.StartsWith("msg_mock_", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(("message", "assistant", "mock-claude"), (json.GetProperty("type").GetString(), json.GetProperty("role").GetString(), json.GetProperty("model").GetString()));
        var block = Assert.Single(json.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        Assert.Equal("This is a deterministic reply from the AiMesh", block.GetProperty("text").GetString());
        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("stop_sequence").ValueKind);
        var usage = json.GetProperty("usage");
        Assert.Equal((4, 0, 0, 8), (usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("cache_creation_input_tokens").GetInt32(),
            usage.GetProperty("cache_read_input_tokens").GetInt32(), usage.GetProperty("output_tokens").GetInt32()));
    }

    [Fact]
    public async Task Tools_and_use_a_tool_give_a_tool_use_block()
    {
        var json = await MessageAsync(MessagesBody("please use a tool", extra: $",\"tools\":[{Tool}]"));

        var block = Assert.Single(json.GetProperty("content").EnumerateArray());
        Assert.Equal(("tool_use", "toolu_mock_1", "lookup"), (block.GetProperty("type").GetString(), block.GetProperty("id").GetString(), block.GetProperty("name").GetString()));
        Assert.True(block.GetProperty("input").GetProperty("mock").GetBoolean());
        Assert.Equal("tool_use", json.GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData("""{"type":"any"}""", "hello", true)]
    [InlineData("""{"type":"tool","name":"lookup"}""", "hello", true)]
    [InlineData("""{"type":"none"}""", "please use a tool", false)]
    [InlineData("""{"type":"auto"}""", "hello", false)]
    public async Task Tool_choice_decides_as_it_does_for_chat_completions(string choice, string text, bool toolUse)
    {
        var json = await MessageAsync(MessagesBody(text, extra: $",\"tools\":[{Tool}],\"tool_choice\":{choice}"));

        Assert.Equal(toolUse ? "tool_use" : "text", json.GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Thinking_adds_a_signed_thinking_block_first()
    {
        var json = await MessageAsync(MessagesBody("hi", extra: ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}"));

        var thinking = json.GetProperty("content")[0];
        Assert.Equal(("thinking", "Let me think this through."), (thinking.GetProperty("type").GetString(), thinking.GetProperty("thinking").GetString()));
        Assert.StartsWith("mock-sig-", thinking.GetProperty("signature").GetString(), StringComparison.Ordinal);
        Assert.Equal("text", json.GetProperty("content")[1].GetProperty("type").GetString());
        Assert.Equal(5 + 8, json.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_text_before_it()
    {
        var json = await MessageAsync(MessagesBody("hi", extra: ",\"stop_sequences\":[\"deterministic\"]"));

        Assert.Equal("This is a", json.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(("stop_sequence", "deterministic"), (json.GetProperty("stop_reason").GetString(), json.GetProperty("stop_sequence").GetString()));
    }

    [Fact]
    public async Task Max_tokens_below_the_reply_stops_with_max_tokens()
    {
        var json = await MessageAsync(MessagesBody("hi").Replace("\"max_tokens\":4096", "\"max_tokens\":2", StringComparison.Ordinal));

        Assert.Equal("This is", json.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("max_tokens", json.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task A_cached_prefix_is_written_once_then_read()
    {
        const string body = """
            {"model":"m","max_tokens":100,"system":[{"type":"text","text":"one two three","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"four five"}]}
            """;

        var first = (await MessageAsync(body)).GetProperty("usage");
        var second = (await MessageAsync(body)).GetProperty("usage");

        Assert.Equal((2, 3, 0), (first.GetProperty("input_tokens").GetInt32(), first.GetProperty("cache_creation_input_tokens").GetInt32(), first.GetProperty("cache_read_input_tokens").GetInt32()));
        Assert.Equal((2, 0, 3), (second.GetProperty("input_tokens").GetInt32(), second.GetProperty("cache_creation_input_tokens").GetInt32(), second.GetProperty("cache_read_input_tokens").GetInt32()));
    }

    [Fact]
    public async Task NoUsage_leaves_usage_out()
    {
        var json = await MessageAsync(MessagesBody("hi"), scenario: "noUsage=1");
        Assert.False(json.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Records_the_request_with_its_headers_under_the_scenario_prefix_too()
    {
        using var response = await PostMessagesAsync(MessagesBody("hi"), path: "s/tokens=2/v1/messages");

        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/messages", WaitTimeout);
        Assert.Equal(("tokens=2", "sk-ant-mock", "2023-06-01"), (recorded.Scenario, recorded.Headers["x-api-key"], recorded.Headers["anthropic-version"]));
        Assert.Contains("\"be brief\"", recorded.Body, StringComparison.Ordinal);
        Assert.Equal("This is", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_tool_result_answers_the_tool_use_of_the_turn_before()
    {
        var json = await MessageAsync($$$"""
            {"model":"m","max_tokens":100,"tools":[{{{Tool}}}],"messages":[
              {"role":"user","content":"please use a tool"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found"}]}]}
            """);

        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());
    }
}
