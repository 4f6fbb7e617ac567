using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Providers;

public sealed class OpenAiAdapterTests
{
    private readonly OpenAiAdapter adapter = new();

    [Fact]
    public async Task Replaces_the_model_and_keeps_every_other_member_untouched()
    {
        const string body = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"héllo 日本"}],"temperature":0.70,
             "x_vendor":{"nested":[1,2.50,"three",null,true]},"seed":12345678901234}
            """;
        using var request = adapter.BuildRequest(Call(body, stream: false));
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync())!.AsObject();

        Assert.Equal("mock-gpt", (string?)sent["model"]);
        var original = JsonNode.Parse(body)!.AsObject();
        original["model"] = "mock-gpt";
        Assert.True(JsonNode.DeepEquals(original, sent));
        Assert.DoesNotContain("stream_options", sent.Select(p => p.Key));
        // Numbers keep their exact text, non-ASCII text is not escaped.
        var raw = await request.Content.ReadAsStringAsync();
        Assert.Contains("0.70", raw, StringComparison.Ordinal);
        Assert.Contains("héllo 日本", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mesh_s_thinking_blocks_are_left_out_and_is_error_is_an_unsupported_parameter()
    {
        const string body = """
            {"model":"x","messages":[
              {"role":"assistant","content":null,"thinking_blocks":[{"type":"thinking","thinking":"t","signature":"s"}],
               "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"boom","is_error":true}]}
            """;
        var call = Call(body, stream: false);

        using var request = adapter.BuildRequest(call);
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync())!;

        Assert.False(sent["messages"]![0]!.AsObject().ContainsKey("thinking_blocks"));
        Assert.False(sent["messages"]![1]!.AsObject().ContainsKey("is_error"));
        Assert.Equal(["is_error"], call.Unsupported);
    }

    [Theory]
    [InlineData("openai", true)]
    [InlineData("azure", true)]
    [InlineData("openrouter", false)]
    [InlineData("vllm", false)]
    public async Task Cache_control_reaches_servers_that_read_it_and_is_unsupported_on_openais_own_api(string provider, bool unsupported)
    {
        const string body = """
            {"model":"x","messages":[{"role":"system","content":[{"type":"text","text":"long","cache_control":{"type":"ephemeral"}}]},
                                     {"role":"user","content":"hi","cache_control":{"type":"ephemeral"}}]}
            """;
        var call = Call(body, stream: false, deployment: TestDeployments.Create() with { Provider = provider });

        using var request = adapter.BuildRequest(call);
        var raw = await request.Content!.ReadAsStringAsync();

        Assert.Equal(unsupported, call.Unsupported.Contains("cache_control"));
        Assert.Equal(!unsupported, raw.Contains("cache_control", StringComparison.Ordinal));
    }

    [Fact]
    public void Posts_to_the_deployment_base_url_only()
    {
        using var request = adapter.BuildRequest(Call("""{"model":"x","messages":[]}""", stream: false));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("http://127.0.0.1:9100/v1/chat/completions"), request.RequestUri);

        using var embeddings = adapter.BuildRequest(Call("""{"model":"x","input":"a"}""", stream: false, api: ProviderApis.Embeddings));
        Assert.Equal(new Uri("http://127.0.0.1:9100/v1/embeddings"), embeddings.RequestUri);
    }

    [Fact]
    public void A_url_in_the_body_does_not_choose_the_host()
    {
        using var request = adapter.BuildRequest(Call(
            """{"model":"http://evil.example/v1","messages":[],"base_url":"http://evil.example/","url":"http://evil.example/"}""", stream: false));
        Assert.Equal("127.0.0.1", request.RequestUri!.Host);
    }

    [Fact]
    public async Task Forces_include_usage_on_a_streamed_chat_and_keeps_other_stream_options()
    {
        using var request = adapter.BuildRequest(Call(
            """{"model":"x","messages":[],"stream":true,"stream_options":{"include_obfuscation":false}}""", stream: true));
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync())!;
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        Assert.False((bool)sent["stream_options"]!["include_obfuscation"]!);
        Assert.True((bool)sent["stream"]!);
        Assert.Equal("text/event-stream", request.Headers.Accept.Single().MediaType);
    }

    [Fact]
    public async Task Adds_stream_options_when_the_client_sent_none()
    {
        using var request = adapter.BuildRequest(Call("""{"model":"x","messages":[],"stream":true}""", stream: true));
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync())!;
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public void Remembers_whether_the_client_asked_for_usage_itself()
    {
        Assert.False(ClientRequest.IncludesUsage(ClientRequest.TryParse("""{"stream":true}""")!));
        Assert.False(ClientRequest.IncludesUsage(ClientRequest.TryParse("""{"stream_options":{"include_usage":false}}""")!));
        Assert.True(ClientRequest.IncludesUsage(ClientRequest.TryParse("""{"stream_options":{"include_usage":true}}""")!));
    }

    [Fact]
    public void Sets_the_configured_key_as_a_bearer_token_and_the_configured_headers()
    {
        using var request = adapter.BuildRequest(Call("""{"model":"x","messages":[]}""", stream: false));
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Equal(TestDeployments.Key, request.Headers.Authorization.Parameter);
        Assert.Equal("1", request.Headers.GetValues("x-extra").Single());
    }

    [Fact]
    public void Sends_no_credentials_when_the_deployment_has_no_key()
    {
        using var request = adapter.BuildRequest(Call("""{"model":"x","messages":[]}""", stream: false, deployment: TestDeployments.Create(key: null)));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public void Ignores_credentials_in_the_body()
    {
        using var request = adapter.BuildRequest(Call(
            """{"model":"x","messages":[],"api_key":"sk-client-chosen","authorization":"Bearer sk-client"}""", stream: false, deployment: TestDeployments.Create(key: null)));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public void Reads_an_answer_as_is_with_its_usage()
    {
        const string answer = """
            {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,
                      "prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}}}
            """;
        var response = adapter.ReadResponse(Call("{}", stream: false), Encoding.UTF8.GetBytes(answer));
        Assert.Equal(answer, response.Body);
        Assert.Equal(new(11, 7, 3, 2), response.Usage);
    }

    [Fact]
    public void Reads_embedding_usage()
    {
        var response = adapter.ReadResponse(Call("{}", stream: false, api: ProviderApis.Embeddings),
            """{"object":"list","data":[],"usage":{"prompt_tokens":5,"total_tokens":5}}"""u8);
        Assert.Equal(new(5, 0), response.Usage);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Refuses_an_answer_that_is_not_a_json_object(string answer)
    {
        Assert.False(adapter.ReadResponse(Call("{}", stream: false), Encoding.UTF8.GetBytes(answer)).IsValid);
    }

    [Theory]
    [InlineData("""{"error":{"message":"bad value","code":"invalid_value","param":"temperature"}}""", "bad value", "invalid_value", "temperature")]
    [InlineData("""{"error":"model 'x' not found"}""", "model 'x' not found", null, null)]
    [InlineData("""{"object":"error","message":"vllm says no","code":400}""", "vllm says no", "400", null)]
    [InlineData("""{"detail":"Not Found"}""", "Not Found", null, null)]
    [InlineData("<html>nope</html>", null, null, null)]
    public void Reads_the_error_shapes_of_openai_compatible_servers(string body, string? message, string? code, string? param)
    {
        var error = adapter.ReadError(Encoding.UTF8.GetBytes(body));
        Assert.Equal(message, error.Message);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
    }

    private static ProviderCall Call(string body, bool stream, string api = ProviderApis.ChatCompletions, Deployment? deployment = null)
    {
        var parsed = ClientRequest.TryParse(body)!;
        return new ProviderCall
        {
            RequestId = Guid.NewGuid(),
            Api = api,
            Deployment = deployment ?? TestDeployments.Create(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }
}
