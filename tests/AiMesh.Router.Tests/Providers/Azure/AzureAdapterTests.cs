using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Providers.Azure.AzureCalls;
using static AiMesh.Router.Tests.Support.JsonAssert;

namespace AiMesh.Router.Tests.Providers.Azure;

public sealed class AzureAdapterTests
{
    private const string Question = """{"model":"gpt-public","messages":[{"role":"user","content":"hi"}],"temperature":0.3,"logprobs":true,"n":2}""";

    [Fact]
    public async Task A_deployment_url_carries_the_escaped_deployment_and_api_version_and_the_key_goes_in_api_key()
    {
        using var request = Adapter.BuildRequest(Call(Question, stream: true));

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://contoso.openai.azure.com/openai/deployments/gpt4o%20prod/chat/completions?api-version=2024-10-21", request.RequestUri!.AbsoluteUri);
        Assert.Equal(Key, request.Headers.GetValues("api-key").Single());
        Assert.Null(request.Headers.Authorization);
        Assert.Equal("r-1", request.Headers.GetValues("x-ms-client-request-id").Single());
        Assert.Equal("text/event-stream", request.Headers.Accept.Single().MediaType);
        AssertJson("""
            {"messages":[{"role":"user","content":"hi"}],"temperature":0.3,"logprobs":true,"n":2,"stream":true,"stream_options":{"include_usage":true}}
            """, await request.Content!.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_v1_surface_names_the_model_in_the_body_and_an_entra_token_is_a_bearer()
    {
        using var request = Adapter.BuildRequest(Call(Question, deployment: Deployment("v1", bearer: true)));

        Assert.Equal("https://contoso.openai.azure.com/openai/v1/chat/completions", request.RequestUri!.AbsoluteUri);
        Assert.Equal(("Bearer", Key), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.False(request.Headers.Contains("api-key"));
        Assert.Equal("gpt4o prod", (string?)JsonNode.Parse(await request.Content!.ReadAsStringAsync())!["model"]);
    }

    [Fact]
    public void Embeddings_go_to_the_deployments_embeddings_path()
    {
        using var request = Adapter.BuildRequest(Call("""{"model":"gpt-public","input":"x"}""", deployment: Deployment("2025-04-01-preview"), api: "embeddings"));

        Assert.Equal("https://contoso.openai.azure.com/openai/deployments/gpt4o%20prod/embeddings?api-version=2025-04-01-preview", request.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void An_answer_loses_azures_filter_annotations_and_takes_the_public_model_name()
    {
        const string answer = """
            {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"finish_reason":"tool_calls","index":0,"logprobs":null,
               "message":{"content":null,"refusal":null,"role":"assistant","tool_calls":[{"function":{"arguments":"{\"q\":1}","name":"f"},"id":"call_1","type":"function"}]}}],
             "created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion",
             "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],"system_fingerprint":"fp_1",
             "usage":{"completion_tokens":5,"prompt_tokens":9,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":0}}}
            """;

        var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer));

        AssertJson("""
            {"choices":[{"finish_reason":"tool_calls","index":0,"logprobs":null,
               "message":{"content":null,"refusal":null,"role":"assistant","tool_calls":[{"function":{"arguments":"{\"q\":1}","name":"f"},"id":"call_1","type":"function"}]}}],
             "created":1700000000,"id":"chatcmpl-A1","model":"gpt-public","object":"chat.completion","system_fingerprint":"fp_1",
             "usage":{"completion_tokens":5,"prompt_tokens":9,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":0}}}
            """, response.Body!);
        Assert.Equal(new TokenUsage(9, 5, 4, 0), response.Usage);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void An_answer_that_is_not_an_object_is_invalid(string answer) =>
        Assert.False(Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(answer)).IsValid);

    [Theory]
    [InlineData("""{"error":{"code":"content_filter","message":"The response was filtered","param":"prompt","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"violence":{"filtered":true,"severity":"high"}}}}}""", "ContentFiltered", "content_filter")]
    [InlineData("""{"error":{"code":"BadRequest","message":"x","innererror":{"code":"ResponsibleAIPolicyViolation"}}}""", "ContentFiltered", "BadRequest")]
    [InlineData("""{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""", "ContextLengthExceeded", "context_length_exceeded")]
    [InlineData("""{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded token rate limit. Please retry after 6 seconds."}}""", "RateLimited", "429")]
    [InlineData("""{"error":{"code":"401","message":"Access denied due to invalid subscription key"}}""", "AuthenticationFailed", "401")]
    [InlineData("""{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}""", "InvalidRequest", "DeploymentNotFound")]
    [InlineData("""{"error":{"code":"SomethingNew","message":"?"}}""", "Unknown", "SomethingNew")]
    public void Errors_are_read_with_azures_codes(string body, string kind, string code)
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes(body));

        Assert.Equal((Enum.Parse<UpstreamErrorKind>(kind), code), (error.Kind, error.Code));
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public void A_wait_given_only_in_retry_after_ms_is_read_in_whole_seconds()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("retry-after-ms", "1500");

        var error = Adapter.ReadError(Encoding.UTF8.GetBytes("""{"error":{"code":"429","message":"slow down"}}"""), response.Headers);

        Assert.Equal((UpstreamErrorKind.RateLimited, 2), (error.Kind, error.RetryAfterSeconds));
        Assert.Same(UpstreamError.None, Adapter.ReadError("<html>bad gateway</html>"u8.ToArray()));
    }

    [Fact]
    public void A_stream_is_forwarded_without_filter_chunks_or_annotations()
    {
        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse(Events)]);

        Assert.Equal(
            [StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Skip, StreamStepKind.Forward, StreamStepKind.Forward, StreamStepKind.Skip, StreamStepKind.Done],
            steps.Select(s => s.Kind));
        var forwarded = steps.Where(s => s.Kind == StreamStepKind.Forward).Select(s => JsonNode.Parse(s.Chunk!)!).ToList();
        Assert.All(forwarded, c => Assert.Equal(("gpt-public", "chatcmpl-A1"), ((string?)c["model"], (string?)c["id"])));
        Assert.All(forwarded, c => Assert.DoesNotContain("filter", c.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal("Hel\"lo wörld", string.Concat(forwarded.Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal(new TokenUsage(9, 2, 4, null), steps[^2].Usage);
    }

    [Fact]
    public void The_usage_chunk_reaches_a_client_that_asked_for_it()
    {
        var call = Call("""{"model":"gpt-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""", stream: true);

        var steps = TranslatedStream.Steps(Adapter.CreateStreamTranslator(call), [StreamChecks.Sse(Events)]);

        Assert.Equal(StreamStepKind.Forward, steps[^2].Kind);
        var usage = JsonNode.Parse(steps[^2].Chunk!)!;
        Assert.Equal(("gpt-public", 11), ((string?)usage["model"], (int)usage["usage"]!["total_tokens"]!));
    }

    [Fact]
    public void An_error_in_the_stream_fails_with_its_azure_kind_and_an_unreadable_chunk_fails_as_unreadable()
    {
        var filtered = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)),
            [StreamChecks.Sse([Events[1], """{"error":{"code":"content_filter","message":"filtered"}}"""])]);
        var broken = TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), [StreamChecks.Sse([Events[1], "{\"choices\":[{"])]);

        Assert.Equal((StreamStepKind.Failed, UpstreamErrorKind.ContentFiltered), (filtered[^1].Kind, filtered[^1].Error!.Kind));
        Assert.Equal(StreamStepKind.Failed, broken[^1].Kind);
        Assert.Contains("could not read", broken[^1].Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_split_point_gives_the_same_steps(bool crlf) =>
        StreamChecks.SameStepsAtEverySplit(() => Adapter.CreateStreamTranslator(Call(Question, stream: true)), StreamChecks.Sse(Events, crlf));

    [Fact]
    public void Mutated_streams_answers_and_errors_never_throw()
    {
        var done = StreamChecks.MutatedStreamsNeverThrow(() => Adapter.CreateStreamTranslator(Call(Question, stream: true)), Events, seed: 2024);
        Assert.InRange(done, 50, 599);

        var mutator = new Anthropic.JsonMutator(seed: 77);
        const string answer = """{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop","content_filter_results":{}}],"model":"m","prompt_filter_results":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}""";
        const string error = """{"error":{"code":"content_filter","message":"m","innererror":{"code":"ResponsibleAIPolicyViolation"}}}""";
        var valid = 0;
        for (var run = 0; run < 1000; run++)
        {
            var response = Adapter.ReadResponse(Call(Question), Encoding.UTF8.GetBytes(mutator.Mutate(answer)));
            if (response.IsValid)
            {
                valid++;
                Assert.Equal("gpt-public", (string?)JsonNode.Parse(response.Body!)!["model"]);
            }

            Assert.NotNull(Adapter.ReadError(Encoding.UTF8.GetBytes(mutator.Mutate(error))));
        }

        Assert.InRange(valid, 100, 999);
    }
}
