using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class ConverseRequestTests
{
    private readonly BedrockAdapter adapter = new(new FixedTime());

    [Fact]
    public async Task Translates_every_mapped_field_into_the_converse_body()
    {
        const string body = """
            {"model":"claude-haiku","max_tokens":300,"temperature":0.25,"top_p":0.9,"stop":["END","STOP"],
             "metadata":{"team":"search"},"n":1,"logprobs":false,"presence_penalty":0,"parallel_tool_calls":true,
             "stream_options":{"include_usage":true},"additionalModelRequestFields":{"top_k":40},
             "messages":[
               {"role":"system","content":"You are terse."},
               {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
               {"role":"user","content":[{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"}},
                 {"type":"image_url","image_url":{"url":"s3://bucket/cat.JPG"}}]},
               {"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"a cat"},
               {"role":"user","content":"Thanks"}],
             "tools":[{"type":"function","function":{"name":"lookup","description":"Looks up","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}},
                      {"type":"function","function":{"name":"now"}}],
             "tool_choice":{"type":"function","function":{"name":"lookup"}}}
            """;
        var call = BedrockCalls.Call(body);
        using var request = adapter.BuildRequest(call);
        var sent = await BedrockCalls.SentBodyAsync(request);

        var expected = JsonNode.Parse("""
            {"messages":[
               {"role":"user","content":[{"text":"What is this?"},
                 {"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}},
                 {"image":{"format":"jpeg","source":{"s3Location":{"uri":"s3://bucket/cat.JPG"}}}}]},
               {"role":"assistant","content":[{"text":"Let me look."},{"toolUse":{"toolUseId":"call_1","name":"lookup","input":{"q":"cat"}}}]},
               {"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"a cat"}]}},{"text":"Thanks"}]}],
             "system":[{"text":"You are terse."},{"text":"Answer in French."}],
             "toolConfig":{"tools":[
                 {"toolSpec":{"name":"lookup","description":"Looks up","inputSchema":{"json":{"type":"object","properties":{"q":{"type":"string"}}}}}},
                 {"toolSpec":{"name":"now","inputSchema":{"json":{"type":"object","properties":{}}}}}],
               "toolChoice":{"tool":{"name":"lookup"}}},
             "requestMetadata":{"team":"search"},
             "additionalModelRequestFields":{"top_k":40},
             "inferenceConfig":{"maxTokens":300,"temperature":0.25,"topP":0.9,"stopSequences":["END","STOP"]}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
        Assert.Empty(call.Unsupported);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("application/json", request.Headers.Accept.Single().MediaType);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Leaves_out_max_tokens_when_the_client_set_none_so_the_model_default_applies()
    {
        using var request = adapter.BuildRequest(BedrockCalls.Call("""{"model":"m","stop":"x","messages":[{"role":"user","content":"hi"}]}"""));
        var sent = await BedrockCalls.SentBodyAsync(request);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"stopSequences":["x"]}"""), sent["inferenceConfig"]));
        Assert.Null(sent["toolConfig"]);
        Assert.Null(sent["system"]);
    }

    [Fact]
    public async Task Max_completion_tokens_decides_over_max_tokens()
    {
        using var request = adapter.BuildRequest(BedrockCalls.Call("""{"model":"m","max_tokens":10,"max_completion_tokens":20,"messages":[]}"""));
        Assert.Equal(20, (int)(await BedrockCalls.SentBodyAsync(request))["inferenceConfig"]!["maxTokens"]!);
    }

    [Theory]
    [InlineData("\"auto\"", """{"auto":{}}""")]
    [InlineData("\"required\"", """{"any":{}}""")]
    public async Task Maps_tool_choice(string choice, string expected)
    {
        using var request = adapter.BuildRequest(BedrockCalls.Call(
            "{\"model\":\"m\",\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + choice + "}"));
        var sent = await BedrockCalls.SentBodyAsync(request);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), sent["toolConfig"]!["toolChoice"]));
    }

    [Fact]
    public async Task Tool_choice_none_offers_no_tools_unless_the_conversation_already_holds_tool_blocks()
    {
        const string tools = """ "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none" """;
        var plain = BedrockCalls.Call("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools + "}");
        using var request = adapter.BuildRequest(plain);
        Assert.Null((await BedrockCalls.SentBodyAsync(request))["toolConfig"]);
        Assert.Empty(plain.Unsupported);

        var withHistory = BedrockCalls.Call("""
            {"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"c","content":"x"}],
            """ + tools + "}");
        using var _ = adapter.BuildRequest(withHistory);
        Assert.Equal(["tool_choice"], withHistory.Unsupported);
    }

    [Fact]
    public void Reports_every_field_converse_cannot_honour_once_and_in_order()
    {
        var call = BedrockCalls.Call("""
            {"model":"m","n":2,"logprobs":true,"top_logprobs":2,"seed":7,"frequency_penalty":0.5,"presence_penalty":0,"user":"u1",
             "response_format":{"type":"json_object"},"logit_bias":{"1":2},"parallel_tool_calls":false,"reasoning_effort":"low","x_custom":1,
             "messages":[{"role":"user","name":"bob","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}},
               {"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]},{"role":"user","name":"bob","content":"b"},{"role":"function","name":"f","content":"c"}],
             "tools":[{"type":"function","function":{"name":"f","strict":true}},{"type":"custom","custom":{"name":"g"}}]}
            """);
        using var _ = adapter.BuildRequest(call);

        Assert.Equal(
            ["name", "detail", "image_url", "input_audio", "role", "strict", "tools", "n", "logprobs", "top_logprobs", "seed", "frequency_penalty",
             "user", "response_format", "logit_bias", "parallel_tool_calls", "reasoning_effort", "x_custom"],
            call.Unsupported);
    }

    [Fact]
    public async Task Keeps_arguments_that_are_not_json_as_the_string_they_are()
    {
        using var request = adapter.BuildRequest(BedrockCalls.Call("""
            {"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"not json"}}]}]}
            """));
        var toolUse = (await BedrockCalls.SentBodyAsync(request))["messages"]![0]!["content"]![0]!["toolUse"]!;
        Assert.Equal("not json", (string?)toolUse["input"]);
    }

    [Fact]
    public void Escapes_the_model_id_into_the_path_and_picks_the_route_by_stream_and_api()
    {
        var arn = BedrockCalls.Deployment("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0");
        using var stream = adapter.BuildRequest(BedrockCalls.Call("""{"model":"m","messages":[]}""", stream: true, deployment: arn));
        Assert.Equal(
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream",
            stream.RequestUri!.AbsolutePath);
        Assert.Equal("application/vnd.amazon.eventstream", stream.Headers.Accept.Single().MediaType);

        using var embeddings = adapter.BuildRequest(BedrockCalls.Call("""{"model":"m","input":"a"}""", api: "embeddings",
            deployment: BedrockCalls.Deployment("amazon.titan-embed-text-v2:0")));
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke", embeddings.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void Malformed_client_json_never_throws()
    {
        var random = new Random(7);
        string[] fragments =
        [
            "\"messages\":5", "\"messages\":[1,\"x\",null,{}]", "\"messages\":[{\"role\":7,\"content\":{}}]", "\"tools\":{}", "\"tools\":[1,{\"function\":3}]",
            "\"tool_choice\":{\"function\":\"x\"}", "\"tool_choice\":5", "\"stop\":null", "\"stop\":{}", "\"metadata\":[]",
            "\"messages\":[{\"role\":\"user\",\"content\":[1,{\"type\":\"image_url\",\"image_url\":5},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png\"}}]}]",
            "\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[1,{\"function\":[]},{\"function\":{\"arguments\":5}}]}]",
            "\"messages\":[{\"role\":\"tool\",\"content\":[{\"type\":5}]}]", "\"n\":\"two\"", "\"temperature\":\"hot\"",
        ];
        for (var run = 0; run < 300; run++)
        {
            var picked = fragments.OrderBy(_ => random.Next()).Take(random.Next(1, 5));
            var call = BedrockCalls.Call("{\"model\":\"m\"," + string.Join(',', picked.DistinctBy(f => f[..f.IndexOf(':', StringComparison.Ordinal)])) + "}");
            using var request = adapter.BuildRequest(call);
            Assert.NotNull(request.Content);
        }
    }
}
