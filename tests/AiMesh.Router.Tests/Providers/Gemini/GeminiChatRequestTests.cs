using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiChatRequestTests
{
    private readonly GeminiAdapter adapter = new(TimeProvider.System);

    [Fact]
    public async Task Translates_every_mapped_field_into_the_generate_content_body()
    {
        const string body = """
            {"model":"gemini-public","stream":false,
             "messages":[
               {"role":"system","content":"Be brief."},
               {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
               {"role":"user","content":[
                 {"type":"text","text":"What is in this picture?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"}},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
                 {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                 {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}}]},
               {"role":"assistant","content":"Let me look.","tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"cat\"}"}},
                 {"id":"call_2~ts~c2lnbmF0dXJl","type":"function","function":{"name":"weather","arguments":""}}]},
               {"role":"tool","tool_call_id":"call_1","content":"{\"found\":true}"},
               {"role":"tool","tool_call_id":"call_2~ts~c2lnbmF0dXJl","content":"sunny"},
               {"role":"user","content":"Thanks"}],
             "tools":[{"type":"function","function":{"name":"lookup","description":"Find things","strict":true,
               "parameters":{"type":"object","properties":{"q":{"type":"string","description":"query"},"n":{"type":["integer","null"]}},
                             "required":["q"],"additionalProperties":false}}},
               {"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{}}}}],
             "tool_choice":{"type":"function","function":{"name":"lookup"}},
             "temperature":0.70,"top_p":0.9,"max_completion_tokens":256,"stop":["END","STOP"],"seed":42,"n":2,
             "presence_penalty":0.5,"frequency_penalty":-0.5,"reasoning_effort":"low",
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,
               "schema":{"type":"object","properties":{"answer":{"type":"string","enum":["yes","no"]},"why":{"type":"string"}},
                         "required":["answer","why"],"additionalProperties":false}}},
             "user":"end-user-7","metadata":{"k":"v"},"logprobs":false,"parallel_tool_calls":true}
            """;
        var call = GeminiCalls.Chat(body);
        using var request = adapter.BuildRequest(call);
        var sent = await GeminiCalls.BodyAsync(request);

        var expected = JsonNode.Parse("""
            {"contents":[
               {"role":"user","parts":[
                 {"text":"What is in this picture?"},
                 {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
                 {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.jpg"}},
                 {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
                 {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]},
               {"role":"model","parts":[
                 {"text":"Let me look."},
                 {"functionCall":{"name":"lookup","args":{"q":"cat"}}},
                 {"functionCall":{"name":"weather","args":{}},"thoughtSignature":"c2lnbmF0dXJl"}]},
               {"role":"user","parts":[
                 {"functionResponse":{"name":"lookup","response":{"found":true}}},
                 {"functionResponse":{"name":"weather","response":{"output":"sunny"}}},
                 {"text":"Thanks"}]}],
             "systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Answer in French."}]},
             "tools":[{"functionDeclarations":[
               {"name":"lookup","description":"Find things","parameters":{"type":"OBJECT",
                 "properties":{"q":{"type":"STRING","description":"query"},"n":{"nullable":true,"type":"INTEGER"}},
                 "propertyOrdering":["q","n"],"required":["q"]}},
               {"name":"weather"}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["lookup"]}},
             "generationConfig":{"temperature":0.70,"topP":0.9,"maxOutputTokens":256,"stopSequences":["END","STOP"],"seed":42,
               "candidateCount":2,"presencePenalty":0.5,"frequencyPenalty":-0.5,"thinkingConfig":{"thinkingBudget":1024},
               "responseMimeType":"application/json",
               "responseSchema":{"type":"OBJECT","properties":{"answer":{"type":"STRING","enum":["yes","no"]},"why":{"type":"STRING"}},
                 "propertyOrdering":["answer","why"],"required":["answer","why"]}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
        Assert.Empty(call.Unsupported);
        Assert.Contains("\"temperature\":0.70", await request.Content!.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Posts_to_generate_content_with_the_key_in_a_header_never_in_the_url()
    {
        using var whole = adapter.BuildRequest(GeminiCalls.Chat("""{"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(new Uri("http://127.0.0.1:9200/v1beta/models/gemini-2.5-flash:generateContent"), whole.RequestUri);
        Assert.Equal(GeminiCalls.Key, whole.Headers.GetValues("x-goog-api-key").Single());
        Assert.Null(whole.Headers.Authorization);
        Assert.Equal("1", whole.Headers.GetValues("x-extra").Single());
        Assert.Equal("application/json", whole.Headers.Accept.Single().MediaType);

        using var streamed = adapter.BuildRequest(GeminiCalls.Chat("""{"stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true));
        Assert.Equal(new Uri("http://127.0.0.1:9200/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"), streamed.RequestUri);
        Assert.Equal("text/event-stream", streamed.Headers.Accept.Single().MediaType);
        Assert.DoesNotContain(GeminiCalls.Key, streamed.RequestUri!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_no_stream_or_model_member_and_no_invented_output_limit()
    {
        using var request = adapter.BuildRequest(GeminiCalls.Chat("""{"model":"x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", stream: true));
        var sent = await GeminiCalls.BodyAsync(request);
        Assert.Equal(["contents"], sent.Select(p => p.Key));
    }

    [Theory]
    [InlineData("""{"max_tokens":100}""", """{"maxOutputTokens":100}""")]
    [InlineData("""{"max_tokens":100,"max_completion_tokens":50}""", """{"maxOutputTokens":50}""")]
    [InlineData("""{"stop":"END"}""", """{"stopSequences":["END"]}""")]
    [InlineData("""{"response_format":{"type":"json_object"}}""", """{"responseMimeType":"application/json"}""")]
    [InlineData("""{"response_format":{"type":"text"}}""", null)]
    [InlineData("""{"reasoning_effort":"none"}""", """{"thinkingConfig":{"thinkingBudget":0}}""")]
    [InlineData("""{"reasoning_effort":"high"}""", """{"thinkingConfig":{"thinkingBudget":24576}}""")]
    [InlineData("""{"top_k":40,"temperature":null}""", """{"topK":40}""")]
    public async Task Maps_generation_settings(string fields, string? generationConfig)
    {
        var body = JsonNode.Parse(fields)!.AsObject();
        body["messages"] = JsonNode.Parse("""[{"role":"user","content":"hi"}]""");
        var call = GeminiCalls.Chat(body.ToJsonString());
        using var request = adapter.BuildRequest(call);
        var sent = await GeminiCalls.BodyAsync(request);
        Assert.True(JsonNode.DeepEquals(generationConfig is null ? null : JsonNode.Parse(generationConfig), sent["generationConfig"]), sent.ToJsonString());
        Assert.Empty(call.Unsupported);
    }

    [Theory]
    [InlineData("""{"logprobs":true}""", "logprobs")]
    [InlineData("""{"top_logprobs":3}""", "top_logprobs")]
    [InlineData("""{"logit_bias":{"1":2}}""", "logit_bias")]
    [InlineData("""{"parallel_tool_calls":false}""", "parallel_tool_calls")]
    [InlineData("""{"seed":12345678901234}""", "seed")]
    [InlineData("""{"reasoning_effort":"minimal"}""", "reasoning_effort")]
    [InlineData("""{"modalities":["text","audio"]}""", "modalities")]
    [InlineData("""{"store":true}""", "store")]
    [InlineData("""{"service_tier":"flex"}""", "service_tier")]
    [InlineData("""{"functions":[{"name":"f"}]}""", "functions")]
    [InlineData("""{"response_format":{"type":"xml"}}""", "response_format")]
    [InlineData("""{"tools":[{"type":"custom","custom":{"name":"grammar"}}]}""", "tools")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[]}}}""", "tool_choice")]
    [InlineData("""{"x_vendor_field":1}""", "x_vendor_field")]
    public async Task Leaves_out_and_names_what_gemini_cannot_honour(string fields, string unsupported)
    {
        var body = JsonNode.Parse(fields)!.AsObject();
        body["messages"] = JsonNode.Parse("""[{"role":"user","content":"hi"}]""");
        var call = GeminiCalls.Chat(body.ToJsonString());
        using var request = adapter.BuildRequest(call);
        var sent = await GeminiCalls.BodyAsync(request);

        Assert.Equal([unsupported], call.Unsupported);
        var generation = sent["generationConfig"]?.AsObject();
        Assert.True(generation is null || !generation.Any(p => p.Key is "seed" or "responseLogprobs" or "logprobs" or "thinkingConfig" or "responseMimeType"),
            sent.ToJsonString());
    }

    [Theory]
    [InlineData("""{"role":"user","name":"alice","content":"hi"}""", "messages[].name")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"high"}}]}""", "messages[].content[].image_url.detail")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/picture"}}]}""", "messages[].content[].image_url")]
    [InlineData("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,notbase64"}}]}""", "messages[].content[].image_url")]
    [InlineData("""{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}""", "messages[].content[].file")]
    [InlineData("""{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA=","format":"flac"}}]}""", "messages[].content[].input_audio")]
    [InlineData("""{"role":"tool","tool_call_id":"call_unknown","content":"x"}""", "messages[].tool_call_id")]
    [InlineData("""{"role":"function","name":"f","content":"x"}""", "messages[].role")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}""", "messages[].tool_calls[].function.arguments")]
    public void Names_message_parts_gemini_cannot_take(string message, string unsupported)
    {
        var call = GeminiCalls.Chat($$"""{"messages":[{{message}},{"role":"user","content":"go on"}]}""");
        using var request = adapter.BuildRequest(call);
        Assert.Equal([unsupported], call.Unsupported);
    }

    [Fact]
    public async Task A_tool_result_takes_its_name_from_the_call_and_a_legacy_name_when_the_call_is_not_in_the_history()
    {
        using var request = adapter.BuildRequest(GeminiCalls.Chat("""
            {"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"elsewhere","name":"lookup","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}
            """));
        var sent = await GeminiCalls.BodyAsync(request);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"role":"user","parts":[{"text":"hi"},{"functionResponse":{"name":"lookup","response":{"output":"ab"}}}]}]"""),
            sent["contents"]), sent.ToJsonString());
    }

    [Fact]
    public async Task Takes_a_thought_signature_from_googles_extra_content_too()
    {
        using var request = adapter.BuildRequest(GeminiCalls.Chat("""
            {"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"x","type":"function",
              "function":{"name":"f","arguments":"{}"},"extra_content":{"google":{"thought_signature":"sig=="}}}]},
             {"role":"tool","tool_call_id":"x","content":"1"}]}
            """));
        var sent = await GeminiCalls.BodyAsync(request);
        Assert.Equal("sig==", (string?)sent["contents"]![1]!["parts"]![0]!["thoughtSignature"]);
        Assert.Equal("f", (string?)sent["contents"]![2]!["parts"]![0]!["functionResponse"]!["name"]);
    }

    [Theory]
    [InlineData("\"none\"", """{"mode":"NONE"}""")]
    [InlineData("\"auto\"", """{"mode":"AUTO"}""")]
    [InlineData("\"required\"", """{"mode":"ANY"}""")]
    [InlineData("""{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"f"}}]}}""",
        """{"mode":"ANY","allowedFunctionNames":["f"]}""")]
    public async Task Maps_tool_choice(string choice, string config)
    {
        var call = GeminiCalls.Chat($$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{{{choice}}}}""");
        using var request = adapter.BuildRequest(call);
        var sent = await GeminiCalls.BodyAsync(request);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(config), sent["toolConfig"]!["functionCallingConfig"]), sent.ToJsonString());
        Assert.Empty(call.Unsupported);
    }

    [Fact]
    public async Task Sends_a_schema_outside_geminis_subset_unchanged_as_json_schema()
    {
        const string schema = """{"type":"object","properties":{"n":{"type":"integer","exclusiveMinimum":0}},"required":["n"]}""";
        var call = GeminiCalls.Chat("""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":"""
            + schema + """}}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":""" + schema + "}}}");
        using var request = adapter.BuildRequest(call);
        var sent = await GeminiCalls.BodyAsync(request);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), sent["tools"]![0]!["functionDeclarations"]![0]!["parametersJsonSchema"]));
        Assert.Null(sent["tools"]![0]!["functionDeclarations"]![0]!["parameters"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), sent["generationConfig"]!["responseJsonSchema"]));
        Assert.Null(sent["generationConfig"]!["responseSchema"]);
        Assert.Empty(call.Unsupported);
    }

    [Fact]
    public void A_url_or_key_in_the_body_does_not_choose_the_host_or_the_credentials()
    {
        using var request = adapter.BuildRequest(GeminiCalls.Chat(
            """{"model":"http://evil.example/v1","messages":[{"role":"user","content":"hi"}],"base_url":"http://evil.example/","api_key":"AIza-client"}"""));
        Assert.Equal("127.0.0.1", request.RequestUri!.Host);
        Assert.Equal(GeminiCalls.Key, request.Headers.GetValues("x-goog-api-key").Single());
    }
}
