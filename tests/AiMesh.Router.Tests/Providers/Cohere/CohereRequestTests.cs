using System.Text.Json.Nodes;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

public sealed class CohereRequestTests
{
    [Fact]
    public async Task Maps_every_field_to_its_cohere_name_and_shape()
    {
        var call = Call("""
            {"model":"command-public","stream":true,"stream_options":{"include_usage":true},
             "messages":[
               {"role":"system","content":"be brief"},
               {"role":"developer","content":[{"type":"text","text":"no emoji"}]},
               {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"high"}}]},
               {"role":"assistant","content":"I will look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"sunny"},
               {"role":"assistant","content":"It is sunny."},
               {"role":"developer","content":"late"},
               {"role":"user","content":"thanks"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object"},"strict":true}}],
             "tool_choice":"required","response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}},
             "stop":"END","max_completion_tokens":64,"max_tokens":5,"temperature":0.3,"top_p":0.9,"top_k":40,"seed":7,
             "frequency_penalty":0.1,"presence_penalty":0.2,"user":"u-1","safety_mode":"STRICT","n":1,"logprobs":false}
            """, stream: true);

        using var request = Adapter.BuildRequest(call);
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync())!;

        Assert.Empty(call.Unsupported);
        Assert.Equal("https://api.cohere.com/v2/chat", request.RequestUri!.ToString());
        Assert.Equal(("Bearer", Key), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.Equal("aimesh", Assert.Single(request.Headers.GetValues("X-Client-Name")));
        Assert.Equal("text/event-stream", Assert.Single(request.Headers.Accept).MediaType);
        var expected = JsonNode.Parse("""
            {"model":"command-a-03-2025",
             "messages":[
               {"role":"system","content":[{"type":"text","text":"be brief"},{"type":"text","text":"no emoji"},{"type":"text","text":"late"}]},
               {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"high"}}]},
               {"role":"assistant","tool_plan":"I will look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"sunny"},
               {"role":"assistant","content":"It is sunny."},
               {"role":"user","content":"thanks"}],
             "max_tokens":64,"stop_sequences":["END"],"p":0.9,"k":40,
             "tool_choice":"REQUIRED","tools":[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object"}}}],
             "strict_tools":true,"response_format":{"type":"json_object","json_schema":{"type":"object"}},
             "temperature":0.3,"seed":7,"frequency_penalty":0.1,"presence_penalty":0.2,"safety_mode":"STRICT","stream":true}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
    }

    [Fact]
    public async Task Sends_no_output_limit_unless_the_client_or_the_deployment_gives_one()
    {
        const string body = """{"model":"command-public","messages":[{"role":"user","content":"hi"}]}""";

        var plain = await SentBodyAsync(Call(body));
        var configured = await SentBodyAsync(Call(body, deployment: Deployment(defaultMaxTokens: 300)));

        Assert.False(plain.ContainsKey("max_tokens"));
        Assert.False(plain.ContainsKey("stream"));
        Assert.Equal(300, (int)configured["max_tokens"]!);
    }

    [Theory]
    [InlineData("\"auto\"", null, 2)]
    [InlineData("\"none\"", "NONE", 2)]
    [InlineData("\"required\"", "REQUIRED", 2)]
    [InlineData("""{"type":"function","function":{"name":"b"}}""", "REQUIRED", 1)]
    public async Task Tool_choice_is_cohere_s_or_the_named_function_alone_and_required(string choice, string? expected, int tools)
    {
        var call = Call($$$"""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":{{{choice}}},
             "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}]}
            """);

        var sent = await SentBodyAsync(call);

        Assert.Empty(call.Unsupported);
        Assert.Equal(expected, (string?)sent["tool_choice"]);
        Assert.Equal(tools, sent["tools"]!.AsArray().Count);
        Assert.Equal(tools == 1 ? "b" : "a", (string?)sent["tools"]![0]!["function"]!["name"]);
    }

    [Theory]
    [InlineData(""" "n":2 """, "n")]
    [InlineData(""" "logprobs":true """, "logprobs")]
    [InlineData(""" "top_logprobs":3 """, "top_logprobs")]
    [InlineData(""" "logit_bias":{"50256":-100} """, "logit_bias")]
    [InlineData(""" "parallel_tool_calls":false """, "parallel_tool_calls")]
    [InlineData(""" "reasoning_effort":"low" """, "reasoning_effort")]
    [InlineData(""" "audio":{"voice":"alloy"} """, "audio")]
    [InlineData(""" "store":true """, "store")]
    [InlineData(""" "service_tier":"flex" """, "service_tier")]
    [InlineData(""" "response_format":{"type":"grammar"} """, "response_format")]
    [InlineData(""" "tool_choice":{"type":"function","function":{"name":"missing"}} """, "tool_choice")]
    [InlineData(""" "tools":[{"type":"function","function":{"name":"a","strict":true}},{"type":"function","function":{"name":"b"}}] """, "tools[].function.strict")]
    [InlineData(""" "tools":[{"type":"web_search"}] """, "tools")]
    [InlineData(""" "messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA==","format":"wav"}}]}] """, "messages[].content")]
    [InlineData(""" "messages":[{"role":"user","name":"bob","content":"hi"}] """, "messages[].name")]
    [InlineData(""" "messages":[{"role":"function","name":"f","content":"x"}] """, "functions")]
    public async Task A_parameter_cohere_cannot_honour_is_left_out_and_reported(string member, string name)
    {
        var body = JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""")!.AsObject();
        foreach (var (key, value) in JsonNode.Parse("{" + member + "}")!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var call = Call(body.ToJsonString());
        var sent = await SentBodyAsync(call);

        Assert.Equal([name], call.Unsupported);
        var topLevel = name.Split('[', '.')[0];
        if (topLevel is not ("messages" or "tools" or "tool_choice" or "functions"))
        {
            Assert.False(sent.ContainsKey(topLevel));
        }
    }

    [Fact]
    public async Task Values_that_ask_for_nothing_and_end_user_ids_are_dropped_without_a_report()
    {
        var call = Call("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"n":1,"logprobs":false,"top_logprobs":0,"logit_bias":{},
             "parallel_tool_calls":true,"store":false,"service_tier":"auto","modalities":["text"],"user":"u","safety_identifier":"s",
             "prompt_cache_key":"k","metadata":{"a":"b"},"response_format":{"type":"text"},"temperature":null}
            """);

        var sent = await SentBodyAsync(call);

        Assert.Empty(call.Unsupported);
        Assert.Equal(["model", "messages"], sent.Select(p => p.Key));
    }

    [Fact]
    public async Task Building_twice_sends_the_same_body_and_leaves_the_client_s_request_as_it_was()
    {
        const string body = """{"model":"m","stop":["a","b"],"top_p":0.5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"f"}}}""";
        var call = Call(body);

        var first = await SentBodyAsync(call);
        var second = await SentBodyAsync(call);

        Assert.True(JsonNode.DeepEquals(first, second));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), call.Body));
        Assert.Equal(["a", "b"], first["stop_sequences"]!.AsArray().Select(s => (string?)s));
    }
}
