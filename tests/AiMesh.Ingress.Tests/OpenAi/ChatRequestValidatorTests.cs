using System.Text;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Tests.OpenAi;

public sealed class ChatRequestValidatorTests
{
    private const int Depth = 64;

    public static TheoryData<string, string, bool, bool> Valid => new()
    {
        // body, model, stream, has prompt
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "gpt-4o", false, false },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"a whole pair: \ud83d\ude00"}]}""", "gpt-4o", false, false },
        {
            """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}]}]}""",
            "gpt-4o", false, false
        },
        {
            """{"model":"m","messages":[{"role":"system","content":"s"},{"role":"developer","content":"d"},{"role":"user","content":"u"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"42"},{"role":"function","name":"f","content":"old"}]}""",
            "m", false, false
        },
        {
            """{"model":"m","messages":[{"role":"user","content":"weather?"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false}""",
            "m", false, false
        },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"auto"}""", "m", false, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"none"}""", "m", false, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "m", false, false },
        {
            """{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},"strict":true}}}""",
            "m", false, false
        },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""", "m", false, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stop":["\n","END"]}""", "m", false, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stop":"END"}""", "m", false, false },
        {
            """{"model":"m","messages":[{"role":"user","content":"x"}],"n":2,"seed":-9007199254740993,"max_tokens":1,"max_completion_tokens":2147483647,"temperature":0,"top_p":1,"presence_penalty":-2,"frequency_penalty":2}""",
            "m", false, false
        },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}""", "m", true, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream":false}""", "m", false, false },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream":null,"stream_options":null,"n":null,"tools":null}""", "m", false, false },
        { """{"model":"m","prompt":{"id":"greeting","version":"2","variables":{"name":"Ada"}}}""", "m", false, true },
        { """{"model":"m","prompt":{"id":"greeting"},"messages":[{"role":"user","content":"and then"}]}""", "m", false, true },
        { """{"model":"m","prompt":{"id":"greeting"},"messages":[]}""", "m", false, true },
        { """{"model":"m","prompt":null,"messages":[{"role":"user","content":"x"}]}""", "m", false, false },
        {
            """{"model":"m","messages":[{"role":"user","content":"x","x_message_extra":1}],"x_vendor":{"deep":[1,{"a":null}]},"logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":3,"reasoning_effort":"low","modalities":["text"],"store":false}""",
            "m", false, false
        },
    };

    public static TheoryData<string, string?, string> Invalid => new()
    {
        // body, param, code
        { "not json", null, "invalid_json" },
        { """{"model":"m","messages":[}""", null, "invalid_json" },
        { "", null, "invalid_json" },
        { "[]", null, "invalid_json" },
        { "\"text\"", null, "invalid_json" },
        { """{"model":"m","messages":[{"role":"user","content":"\ud800"}]}""", null, "invalid_json" },
        { """{"model":"\udfff","messages":[]}""", null, "invalid_json" },
        { """{"model":"m","messages":[],"\ud83d":1}""", null, "invalid_json" },
        { "{}", "model", "missing_required_parameter" },
        { """{"model":""}""", "model", "invalid_type" },
        { """{"model":5,"messages":[]}""", "model", "invalid_type" },
        { """{"model":null,"messages":[]}""", "model", "invalid_type" },
        { """{"model":"m"}""", "messages", "missing_required_parameter" },
        { """{"model":"m","messages":null}""", "messages", "missing_required_parameter" },
        { """{"model":"m","messages":[]}""", "messages", "empty_array" },
        { """{"model":"m","messages":"hi"}""", "messages", "invalid_type" },
        { """{"model":"m","messages":[1]}""", "messages[0]", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"},{"content":"x"}]}""", "messages[1].role", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"robot","content":"x"}]}""", "messages[0].role", "invalid_value" },
        { """{"model":"m","messages":[{"role":1,"content":"x"}]}""", "messages[0].role", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":5}]}""", "messages[0].content", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":{"type":"text"}}]}""", "messages[0].content", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":["x"]}]}""", "messages[0].content[0]", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages[0].content[0].type", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text"}]}]}""", "messages[0].content[1].text", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x"}]}]}""", "messages[0].content[0].image_url.url", "missing_required_parameter" },
        { """{"model":"m","prompt":"greeting"}""", "prompt", "invalid_type" },
        { """{"model":"m","prompt":{"id":"p"},"messages":"x"}""", "messages", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":true}""", "stream_options", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"n":0}""", "n", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"n":129}""", "n", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"n":1.5}""", "n", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"n":"2"}""", "n", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":2147483648}""", "max_completion_tokens", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"seed":1.5}""", "seed", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":2.01}""", "temperature", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"}""", "temperature", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"top_p":-0.1}""", "top_p", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"presence_penalty":-2.5}""", "presence_penalty", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"frequency_penalty":3}""", "frequency_penalty", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"user":5}""", "user", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":"json"}""", "response_format", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stop":5}""", "stop", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a",1]}""", "stop", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tools":{}}""", "tools", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[1]}""", "tools[0]", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}""", "tools[0].function.name", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":5}}]}""", "tools[1].function.name", "missing_required_parameter" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"sometimes"}""", "tool_choice", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":1}""", "tool_choice", "invalid_value" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":["a"]}""", "metadata", "invalid_type" },
        { """{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":{"a":"b","n":1}}""", "metadata.n", "invalid_type" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Accepts_a_valid_body_and_reads_what_the_saga_needs(string body, string model, bool stream, bool hasPrompt)
    {
        var request = Accept(body);

        Assert.Equal(("chat.completions", model, stream, hasPrompt), (request.Api, request.Model, request.Stream, request.HasPrompt));
        Assert.Equal(body, request.Body);
        Assert.Null(request.User);
        Assert.Null(request.Tags);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses_an_invalid_body_naming_the_parameter(string body, string? param, string code)
    {
        var (request, error) = ChatRequestValidator.Validate(Encoding.UTF8.GetBytes(body), Depth);

        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Equal((400, "invalid_request_error", code, param), (error.Status, error.Type, error.Code, error.Param));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        if (param is not null)
        {
            Assert.Contains($"'{param}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reads_the_user_and_the_metadata_as_tags()
    {
        var request = Accept("""{"model":"m","messages":[{"role":"user","content":"x"}],"user":"user-1","metadata":{"team":"search","env":"prod"}}""");

        Assert.Equal("user-1", request.User);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "search", ["env"] = "prod" }, request.Tags);
    }

    [Fact]
    public void Accepts_sixteen_metadata_pairs_at_the_size_limits_and_refuses_a_seventeenth()
    {
        var sixteen = Enumerable.Range(0, 16).ToDictionary(i => i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + new string('k', 62), _ => new string('v', 512));
        var request = Accept(WithMetadata(sixteen));
        Assert.Equal(16, request.Tags!.Count);

        var seventeen = new Dictionary<string, string>(sixteen) { ["one-more"] = "v" };
        Assert.Equal("metadata", Refuse(WithMetadata(seventeen)).Param);
        Assert.Equal("metadata", Refuse(WithMetadata(new() { [new string('k', 65)] = "v" })).Param);
        Assert.Equal("metadata", Refuse(WithMetadata(new() { ["k"] = new string('v', 513) })).Param);
    }

    [Fact]
    public void Refuses_nesting_deeper_than_the_limit_and_accepts_it_at_the_limit()
    {
        // The root object plus the arrays under "x": exactly the limit, then one more.
        Assert.Equal("m", Accept(Nested(8), maxDepth: 8).Model);

        var error = Refuse(Nested(9), maxDepth: 8);
        Assert.Equal(("invalid_json", (string?)null), (error.Code, error.Param));
        Assert.Contains("8 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_body_travels_byte_for_byte_including_unicode_and_escapes()
    {
        const string body = """{"model":"m","messages":[{"role":"user","content":"h\u00e9llo \"w\" 🙂\n"}],"x":1.50}""";

        Assert.Equal(body, Accept(body).Body);
    }

    private static ValidatedRequest Accept(string body, int maxDepth = Depth)
    {
        var (request, error) = ChatRequestValidator.Validate(Encoding.UTF8.GetBytes(body), maxDepth);
        Assert.Null(error);
        return request!;
    }

    private static ApiError Refuse(string body, int maxDepth = Depth)
    {
        var (request, error) = ChatRequestValidator.Validate(Encoding.UTF8.GetBytes(body), maxDepth);
        Assert.Null(request);
        return error!;
    }

    private static string WithMetadata(Dictionary<string, string> metadata) =>
        $$"""{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":{{System.Text.Json.JsonSerializer.Serialize(metadata)}}}""";

    private static string Nested(int depth) =>
        $$"""{"model":"m","messages":[{"role":"user","content":"x"}],"x":{{new string('[', depth - 1)}}{{new string(']', depth - 1)}}}""";
}
