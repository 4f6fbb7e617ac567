using System.Text.Json.Nodes;
using AiMesh.Router.Providers;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;

namespace AiMesh.Router.Tests.Providers.Anthropic;

public sealed class AnthropicRequestTests
{
    [Fact]
    public async Task Translates_every_mapped_field_of_a_full_request()
    {
        const string body = """
            {"model":"claude-public","stream":true,"stream_options":{"include_usage":true},
             "messages":[
               {"role":"system","content":"You are terse."},
               {"role":"developer","content":[{"type":"text","text":"Answer in English.","cache_control":{"type":"ephemeral"}}]},
               {"role":"user","content":"What is in these images?"},
               {"role":"user","content":[
                 {"type":"text","text":"First:"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"auto"}}]},
               {"role":"assistant","content":"Let me check the weather too.","tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
               {"role":"tool","tool_call_id":"call_1","content":"18C"},
               {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"09:00"}]},
               {"role":"user","content":"Thanks","cache_control":{"type":"ephemeral"}}],
             "tools":[
               {"type":"function","function":{"name":"get_weather","description":"Weather by city",
                "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
               {"type":"function","function":{"name":"get_time"},"cache_control":{"type":"ephemeral"}}],
             "tool_choice":"required","parallel_tool_calls":false,"stop":"END","max_completion_tokens":300,
             "temperature":0.5,"top_p":0.9,"user":"user-42","n":1,"presence_penalty":0,"top_k":40,
             "thinking":{"type":"enabled","budget_tokens":2048}}
            """;
        const string expected = """
            {"model":"claude-upstream","max_tokens":300,
             "system":[{"type":"text","text":"You are terse."},{"type":"text","text":"Answer in English.","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[
                 {"type":"text","text":"What is in these images?"},
                 {"type":"text","text":"First:"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
               {"role":"assistant","content":[
                 {"type":"text","text":"Let me check the weather too."},
                 {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
                 {"type":"tool_use","id":"call_2","name":"get_time","input":{}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
                 {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"09:00"}]},
                 {"type":"text","text":"Thanks","cache_control":{"type":"ephemeral"}}]}],
             "stop_sequences":["END"],
             "metadata":{"user_id":"user-42"},
             "tools":[
               {"name":"get_weather","description":"Weather by city",
                "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
               {"name":"get_time","input_schema":{"type":"object","properties":{}},"cache_control":{"type":"ephemeral"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "temperature":0.5,"top_p":0.9,"top_k":40,"thinking":{"type":"enabled","budget_tokens":2048},
             "stream":true}
            """;
        var call = Call(body, stream: true);

        var sent = await SentBody(call);

        AssertJson(expected, sent);
        Assert.Empty(call.Unsupported);
    }

    [Fact]
    public async Task Posts_to_messages_under_the_base_url_with_the_key_and_version_headers_only()
    {
        using var request = Adapter.BuildRequest(Call("""{"model":"x","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("http://127.0.0.1:9100/v1/messages"), request.RequestUri);
        Assert.Equal(Key, request.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", request.Headers.GetValues("anthropic-version").Single());
        Assert.Null(request.Headers.Authorization);
        Assert.Equal("application/json", request.Headers.Accept.Single().MediaType);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        var sent = JsonNode.Parse(await request.Content.ReadAsStringAsync())!.AsObject();
        Assert.False(sent.ContainsKey("stream"));
    }

    [Fact]
    public void A_deployment_header_sets_the_version_and_betas()
    {
        var deployment = Deployment(new Dictionary<string, string> { ["anthropic-version"] = "2024-01-01", ["anthropic-beta"] = "prompt-caching-2024-07-31" });

        using var request = Adapter.BuildRequest(Call("""{"model":"x","messages":[]}""", deployment: deployment));

        Assert.Equal("2024-01-01", request.Headers.GetValues("anthropic-version").Single());
        Assert.Equal("prompt-caching-2024-07-31", request.Headers.GetValues("anthropic-beta").Single());
    }

    [Fact]
    public void A_stream_accepts_server_sent_events()
    {
        using var request = Adapter.BuildRequest(Call("""{"model":"x","stream":true,"messages":[]}""", stream: true));
        Assert.Equal("text/event-stream", request.Headers.Accept.Single().MediaType);
    }

    [Theory]
    [InlineData("""{"model":"x","messages":[]}""", null, 4096)]
    [InlineData("""{"model":"x","messages":[],"max_tokens":null}""", null, 4096)]
    [InlineData("""{"model":"x","messages":[]}""", 1000, 1000)]
    [InlineData("""{"model":"x","messages":[],"max_tokens":77}""", 1000, 77)]
    [InlineData("""{"model":"x","messages":[],"max_tokens":77,"max_completion_tokens":55}""", null, 55)]
    public async Task Sends_the_client_limit_or_the_deployment_default_or_4096(string body, int? deploymentDefault, int expected)
    {
        var sent = await SentBody(Call(body, deployment: Deployment(defaultMaxTokens: deploymentDefault)));
        Assert.Equal(expected, (int)sent["max_tokens"]!);
    }

    [Fact]
    public async Task One_system_message_and_plain_text_turns_stay_strings()
    {
        var sent = await SentBody(Call("""
            {"model":"x","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},
             {"role":"assistant","content":[{"type":"text","text":"hello"}]},{"role":"user","content":"bye"}]}
            """));

        AssertJson("""
            {"model":"claude-upstream","max_tokens":4096,"system":"Be brief.",
             "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"bye"}]}
            """, sent);
    }

    [Fact]
    public async Task Merges_consecutive_turns_and_leaves_out_empty_ones()
    {
        var sent = await SentBody(Call("""
            {"model":"x","messages":[{"role":"user","content":"one"},{"role":"assistant","content":""},{"role":"user","content":"two"},
             {"role":"assistant","content":"a"},{"role":"assistant","content":"b"}]}
            """));

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
             {"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]
            """, sent["messages"]!);
    }

    [Theory]
    [InlineData("\"auto\"", """{"type":"auto"}""")]
    [InlineData("\"none\"", """{"type":"none"}""")]
    [InlineData("\"required\"", """{"type":"any"}""")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", """{"type":"tool","name":"f"}""")]
    [InlineData("""{"type":"tool","name":"f","disable_parallel_tool_use":true}""", """{"type":"tool","name":"f","disable_parallel_tool_use":true}""")]
    public async Task Translates_each_tool_choice(string choice, string expected)
    {
        var sent = await SentBody(Call($$$"""{"model":"x","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{{{choice}}}}"""));
        AssertJson(expected, sent["tool_choice"]!);
    }

    [Theory]
    [InlineData("", """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData(",\"tool_choice\":\"none\"", """{"type":"none"}""")]
    [InlineData(""","tool_choice":{"type":"function","function":{"name":"f"}}""", """{"type":"tool","name":"f","disable_parallel_tool_use":true}""")]
    public async Task Parallel_tool_calls_false_disables_parallel_tool_use(string choice, string expected)
    {
        var sent = await SentBody(Call($$$"""{"model":"x","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":false{{{choice}}}}"""));
        AssertJson(expected, sent["tool_choice"]!);
    }

    [Fact]
    public async Task Without_tools_the_tool_choice_and_parallel_flag_are_left_out()
    {
        var call = Call("""{"model":"x","messages":[],"tools":[],"tool_choice":"none","parallel_tool_calls":false}""");
        var sent = await SentBody(call);

        Assert.False(sent.ContainsKey("tools"));
        Assert.False(sent.ContainsKey("tool_choice"));
        Assert.False(sent.ContainsKey("parallel_tool_calls"));
        Assert.Empty(call.Unsupported);
    }

    [Fact]
    public async Task A_failed_tool_s_result_says_is_error()
    {
        var sent = await SentBody(Call("""
            {"model":"x","messages":[
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"g","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"boom","is_error":true},
              {"role":"tool","tool_call_id":"c2","content":"fine"}]}
            """));

        var results = sent["messages"]![1]!["content"]!.AsArray();
        Assert.True((bool?)results[0]!["is_error"]);
        Assert.False(results[1]!.AsObject().ContainsKey("is_error"));
    }

    [Fact]
    public async Task A_stop_list_is_sent_as_stop_sequences()
    {
        var sent = await SentBody(Call("""{"model":"x","messages":[],"stop":["a","b"]}"""));
        AssertJson("""["a","b"]""", sent["stop_sequences"]!);
        Assert.False(sent.ContainsKey("stop"));
    }

    [Theory]
    [InlineData("\"user\":\"u1\"", """{"user_id":"u1"}""")]
    [InlineData("\"safety_identifier\":\"s1\",\"user\":\"u1\"", """{"user_id":"s1"}""")]
    [InlineData("\"metadata\":{\"user_id\":\"m1\"},\"user\":\"u1\"", """{"user_id":"m1"}""")]
    [InlineData("\"metadata\":{\"user_id\":\"m1\"}", """{"user_id":"m1"}""")]
    public async Task The_end_user_id_goes_into_metadata(string members, string expected)
    {
        var sent = await SentBody(Call($$"""{"model":"x","messages":[],{{members}}}"""));
        AssertJson(expected, sent["metadata"]!);
        Assert.False(sent.ContainsKey("user"));
        Assert.False(sent.ContainsKey("safety_identifier"));
    }

    [Theory]
    [InlineData("n", "2")]
    [InlineData("logprobs", "true")]
    [InlineData("top_logprobs", "3")]
    [InlineData("presence_penalty", "0.5")]
    [InlineData("frequency_penalty", "-1")]
    [InlineData("seed", "7")]
    [InlineData("logit_bias", """{"50256":-100}""")]
    [InlineData("store", "true")]
    [InlineData("modalities", """["text","audio"]""")]
    [InlineData("audio", """{"voice":"alloy","format":"wav"}""")]
    [InlineData("prediction", """{"type":"content","content":"x"}""")]
    [InlineData("reasoning_effort", "\"high\"")]
    [InlineData("service_tier", "\"flex\"")]
    [InlineData("web_search_options", "{}")]
    [InlineData("verbosity", "\"low\"")]
    [InlineData("prompt_cache_key", "\"k\"")]
    [InlineData("functions", """[{"name":"f"}]""")]
    [InlineData("function_call", "\"auto\"")]
    public async Task An_openai_only_parameter_is_reported_and_left_out(string name, string value)
    {
        var call = Call($$"""{"model":"x","messages":[{"role":"user","content":"hi"}],"{{name}}":{{value}}}""");

        var sent = await SentBody(call);

        Assert.Equal([name], call.Unsupported);
        Assert.False(sent.ContainsKey(name));
    }

    [Theory]
    [InlineData("n", "1")]
    [InlineData("logprobs", "false")]
    [InlineData("top_logprobs", "0")]
    [InlineData("presence_penalty", "0")]
    [InlineData("frequency_penalty", "0.0")]
    [InlineData("seed", "null")]
    [InlineData("logit_bias", "{}")]
    [InlineData("store", "false")]
    [InlineData("modalities", """["text"]""")]
    public async Task A_value_that_asks_for_nothing_is_left_out_silently(string name, string value)
    {
        var call = Call($$"""{"model":"x","messages":[],"{{name}}":{{value}}}""");

        var sent = await SentBody(call);

        Assert.Empty(call.Unsupported);
        Assert.False(sent.ContainsKey(name));
    }

    [Theory]
    [InlineData("""{"role":"user","name":"alice","content":"hi"}""", "messages[].name")]
    [InlineData("""{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}""", "input_audio")]
    [InlineData("""{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}""", "file")]
    [InlineData("""{"role":"user","content":[{"type":"file","file":{"file_data":"data:text/csv;base64,YQ=="}}]}""", "file")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://e.com/a.png","detail":"high"}}]}""", "image_url.detail")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://e.com/a.png"}}]}""", "image_url")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,notbase64"}}]}""", "image_url")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}""", "tool_calls[].function.arguments")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}""", "tool_calls[].function.arguments")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"custom","custom":{"name":"f","input":"x"}}]}""", "tool_calls")]
    [InlineData("""{"role":"function","name":"f","content":"x"}""", "messages[].name")]
    [InlineData("""{"role":"moderator","content":"x"}""", "messages[].role")]
    public async Task A_message_part_without_an_anthropic_equivalent_is_reported(string message, string expected)
    {
        var call = Call($$"""{"model":"x","messages":[{{message}}]}""");

        await SentBody(call);

        Assert.Contains(expected, call.Unsupported);
    }

    [Theory]
    [InlineData("""[{"type":"custom","custom":{"name":"g"}}]""", null, "tools[].custom")]
    [InlineData("""[{"type":"function","function":{"name":"f"}}]""", """{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[]}}""", "tool_choice")]
    [InlineData("""[{"type":"function","function":{"name":"f"}}]""", "\"sometimes\"", "tool_choice")]
    public async Task A_tool_form_without_an_anthropic_equivalent_is_reported(string tools, string? choice, string expected)
    {
        var call = Call($$"""{"model":"x","messages":[],"tools":{{tools}}{{(choice is null ? "" : ",\"tool_choice\":" + choice)}}}""");

        await SentBody(call);

        Assert.Equal([expected], call.Unsupported);
    }

    [Fact]
    public async Task An_inline_pdf_becomes_a_document_block()
    {
        var sent = await SentBody(Call("""
            {"model":"x","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}
            """));

        AssertJson("""
            [{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="},"title":"a.pdf"}]}]
            """, sent["messages"]!);
    }

    [Fact]
    public async Task Anthropic_shapes_the_client_sends_pass_untouched()
    {
        var call = Call("""
            {"model":"x","service_tier":"standard_only","container":"c1","metadata":{"user_id":"m"},
             "messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"d"},"citations":{"enabled":true}}]}],
             "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":2},{"name":"native","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"auto"}}
            """);

        var sent = await SentBody(call);

        Assert.Empty(call.Unsupported);
        AssertJson("""[{"type":"web_search_20250305","name":"web_search","max_uses":2},{"name":"native","input_schema":{"type":"object"}}]""", sent["tools"]!);
        AssertJson("""{"type":"auto"}""", sent["tool_choice"]!);
        AssertJson("""[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"d"},"citations":{"enabled":true}}]""", sent["messages"]![0]!["content"]!);
        Assert.Equal("standard_only", (string?)sent["service_tier"]);
        Assert.Equal("c1", (string?)sent["container"]);
    }

    [Fact]
    public async Task Thinking_blocks_go_back_first_and_bare_reasoning_is_not_sent()
    {
        var sent = await SentBody(Call("""
            {"model":"x","messages":[{"role":"user","content":"q"},
             {"role":"assistant","content":null,"reasoning_content":"I think","thinking_blocks":[
               {"type":"thinking","thinking":"I think","signature":"sig=="},{"type":"redacted_thinking","data":"opaque"}],
              "tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"t1","content":"r"},
             {"role":"assistant","content":"done","reasoning_content":"no signature, not sent"}]}
            """));

        AssertJson("""
            [{"role":"user","content":"q"},
             {"role":"assistant","content":[{"type":"thinking","thinking":"I think","signature":"sig=="},{"type":"redacted_thinking","data":"opaque"},
              {"type":"tool_use","id":"t1","name":"f","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"r"}]},
             {"role":"assistant","content":"done"}]
            """, sent["messages"]!);
    }

    [Fact]
    public async Task A_json_schema_is_forced_through_a_tool()
    {
        var call = Call("""
            {"model":"x","messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_schema","json_schema":{
              "name":"person","description":"A person.","strict":true,
              "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}
            """);

        var sent = await SentBody(call);

        Assert.Empty(call.Unsupported);
        Assert.False(sent.ContainsKey("response_format"));
        AssertJson("""
            [{"name":"person","description":"A person.","strict":true,
              "input_schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}]
            """, sent["tools"]!);
        AssertJson("""{"type":"tool","name":"person"}""", sent["tool_choice"]!);
    }

    [Fact]
    public async Task Json_object_mode_forces_an_object_tool()
    {
        var sent = await SentBody(Call("""{"model":"x","messages":[],"response_format":{"type":"json_object"}}"""));

        AssertJson("""[{"name":"json_response","description":"Answer with a JSON object.","input_schema":{"type":"object"}}]""", sent["tools"]!);
        AssertJson("""{"type":"tool","name":"json_response"}""", sent["tool_choice"]!);
    }

    [Theory]
    [InlineData("""{"type":"json_object"}""", ""","tools":[{"type":"function","function":{"name":"f"}}]""")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"array"}}}""", "")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n"}}""", "")]
    [InlineData("""{"type":"yaml"}""", "")]
    [InlineData("\"json\"", "")]
    public async Task Json_the_adapter_cannot_force_is_reported(string format, string tools)
    {
        var call = Call($$"""{"model":"x","messages":[],"response_format":{{format}}{{tools}}}""");

        var sent = await SentBody(call);

        Assert.Equal(["response_format"], call.Unsupported);
        Assert.NotEqual("tool", (string?)sent["tool_choice"]?["type"]);
    }

    [Fact]
    public async Task Text_response_format_asks_for_nothing()
    {
        var call = Call("""{"model":"x","messages":[],"response_format":{"type":"text"}}""");
        var sent = await SentBody(call);
        Assert.Empty(call.Unsupported);
        Assert.False(sent.ContainsKey("tools"));
    }

    [Fact]
    public async Task Building_twice_gives_the_same_request_and_leaves_the_client_body_as_it_was()
    {
        const string body = """
            {"model":"x","messages":[{"role":"system","content":"s"},{"role":"user","name":"n","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"seed":1,"stop":"x"}
            """;
        var call = Call(body);
        var original = call.Body.DeepClone();

        var first = await SentBody(call);
        var second = await SentBody(call);

        Assert.True(JsonNode.DeepEquals(first, second));
        Assert.True(JsonNode.DeepEquals(original, call.Body));
        Assert.Equal(["messages[].name", "seed"], call.Unsupported);
    }

    [Fact]
    public async Task Keeps_non_ascii_text_and_number_text_as_they_are()
    {
        using var request = Adapter.BuildRequest(Call("""{"model":"x","temperature":0.70,"messages":[{"role":"user","content":"héllo 日本 \"q\""}]}"""));
        var raw = await request.Content!.ReadAsStringAsync();

        Assert.Contains("héllo 日本 \\\"q\\\"", raw, StringComparison.Ordinal);
        Assert.Contains("0.70", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Serves_chat_completions_only_and_requires_a_key()
    {
        Assert.Equal(["chat.completions"], Adapter.Apis);
        Assert.Equal(["anthropic"], Adapter.Providers);
        Assert.True(Adapter.RequiresApiKey("anthropic"));
    }

    internal static async Task<JsonObject> SentBody(ProviderCall call)
    {
        using var request = Adapter.BuildRequest(call);
        return JsonNode.Parse(await request.Content!.ReadAsStringAsync())!.AsObject();
    }

    internal static void AssertJson(string expected, JsonNode actual)
    {
        var expectedNode = JsonNode.Parse(expected)!;
        Assert.True(JsonNode.DeepEquals(expectedNode, actual), $"Expected {expectedNode.ToJsonString()}\nActual   {actual.ToJsonString()}");
    }
}
