using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Mistral;
using static AiMesh.Router.Tests.Providers.Mistral.MistralCalls;
using static AiMesh.Router.Tests.Support.JsonAssert;

namespace AiMesh.Router.Tests.Providers.Mistral;

public sealed class MistralRequestTests
{
    [Fact]
    public async Task Translates_every_mapped_field_of_a_full_request()
    {
        const string body = """
            {"model":"mistral-public","stream":true,"stream_options":{"include_usage":true},
             "messages":[
               {"role":"system","content":"You are terse."},
               {"role":"developer","content":"Answer in English."},
               {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
               {"role":"assistant","content":null,"refusal":null,"tool_calls":[
                 {"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"D681PevKs","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_abc123","name":"get_weather","content":"18C"},
               {"role":"tool","tool_call_id":"D681PevKs","content":"09:00"},
               {"role":"assistant","content":"It is","prefix":true}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required","parallel_tool_calls":false,"stop":"END","max_completion_tokens":300,"max_tokens":99,
             "temperature":0.5,"top_p":0.9,"n":2,"presence_penalty":0.1,"frequency_penalty":0.2,"seed":42,
             "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}},
             "prediction":{"type":"content","content":"It is"},"safe_prompt":true,"prompt_mode":"reasoning","logprobs":false,"user":null}
            """;
        var call = Call(body, stream: true);

        using var request = Adapter.BuildRequest(call);

        Assert.Empty(call.Unsupported);
        Assert.Equal("https://api.mistral.ai/v1/chat/completions", request.RequestUri!.AbsoluteUri);
        Assert.Equal(("Bearer", Key), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        var mapped = MistralToolCallIds.ToMistral("call_abc123");
        AssertJson("""
            {"model":"mistral-small-latest",
             "messages":[
               {"role":"system","content":"You are terse."},
               {"role":"system","content":"Answer in English."},
               {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
               {"role":"assistant","content":null,"tool_calls":[
                 {"id":"MAPPED","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"D681PevKs","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"MAPPED","name":"get_weather","content":"18C"},
               {"role":"tool","tool_call_id":"D681PevKs","content":"09:00"},
               {"role":"assistant","content":"It is","prefix":true}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"any","parallel_tool_calls":false,"stop":"END","max_tokens":300,
             "temperature":0.5,"top_p":0.9,"n":2,"presence_penalty":0.1,"frequency_penalty":0.2,"random_seed":42,
             "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}},
             "prediction":{"type":"content","content":"It is"},"safe_prompt":true,"prompt_mode":"reasoning","stream":true}
            """.Replace("MAPPED", mapped, StringComparison.Ordinal), await request.Content!.ReadAsStringAsync());
    }

    [Fact]
    public void Foreign_tool_call_ids_become_nine_letters_and_digits_the_same_every_time()
    {
        var id = MistralToolCallIds.ToMistral("toolu_01A09q90qw90lq917835lq9");

        Assert.Matches("^[A-Za-z0-9]{9}$", id);
        Assert.Equal(id, MistralToolCallIds.ToMistral("toolu_01A09q90qw90lq917835lq9"));
        Assert.NotEqual(id, MistralToolCallIds.ToMistral("toolu_01A09q90qw90lq917835lq8"));
        Assert.Equal("abcDEF123", MistralToolCallIds.ToMistral("abcDEF123"));
    }

    [Theory]
    [InlineData("""{"logprobs":true}""", "logprobs")]
    [InlineData("""{"top_logprobs":2}""", "top_logprobs")]
    [InlineData("""{"logit_bias":{"1":2}}""", "logit_bias")]
    [InlineData("""{"user":"u-1"}""", "user")]
    [InlineData("""{"service_tier":"auto"}""", "service_tier")]
    [InlineData("""{"store":true}""", "store")]
    [InlineData("""{"metadata":{"a":"b"}}""", "metadata")]
    [InlineData("""{"reasoning_effort":"low"}""", "reasoning_effort")]
    [InlineData("""{"stream_options":{"include_usage":true,"include_obfuscation":false}}""", "stream_options")]
    [InlineData("""{"tools":[{"type":"web_search"}]}""", "tools")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA==","format":"wav"}}]}]}""", "input_audio")]
    [InlineData("""{"messages":[{"role":"user","name":"ann","content":"hi"}]}""", "name")]
    [InlineData("""{"messages":[{"role":"function","name":"f","content":"hi"}]}""", "function")]
    public async Task A_field_mistral_cannot_honour_is_reported_and_left_out(string extra, string field)
    {
        var body = JsonNode.Parse("""{"model":"mistral-public","messages":[{"role":"user","content":"hi"}]}""")!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(extra)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        var call = Call(body.ToJsonString());
        using var request = Adapter.BuildRequest(call);

        Assert.Contains(field, call.Unsupported);
        var sent = await request.Content!.ReadAsStringAsync();
        Assert.DoesNotContain($"\"{field}\":", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_take_mistrals_names_and_refuse_token_inputs()
    {
        var call = Call("""{"model":"mistral-public","input":["a","b"],"dimensions":256,"encoding_format":"base64"}""", api: "embeddings");
        var tokens = Call("""{"model":"mistral-public","input":[[1,2,3]],"user":"u"}""", api: "embeddings");

        using var request = Adapter.BuildRequest(call);
        using var refused = Adapter.BuildRequest(tokens);

        Assert.Equal("https://api.mistral.ai/v1/embeddings", request.RequestUri!.AbsoluteUri);
        AssertJson("""{"model":"mistral-small-latest","input":["a","b"],"output_dimension":256}""", await request.Content!.ReadAsStringAsync());
        Assert.Empty(call.Unsupported);
        Assert.Equal(["input", "user"], tokens.Unsupported);
    }
}
