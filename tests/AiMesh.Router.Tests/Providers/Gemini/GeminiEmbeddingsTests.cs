using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiEmbeddingsTests
{
    private readonly GeminiAdapter gemini = new(TimeProvider.System);
    private readonly VertexAdapter vertex = new(TimeProvider.System, null!);

    [Fact]
    public async Task Sends_one_batch_embed_request_per_input_with_the_dimensions()
    {
        var call = GeminiCalls.Embeddings("""{"model":"embed","input":["a b","c"],"dimensions":256,"encoding_format":"float","user":"u"}""");
        using var request = gemini.BuildRequest(call);

        Assert.Equal(new Uri("http://127.0.0.1:9200/v1beta/models/gemini-2.5-flash:batchEmbedContents"), request.RequestUri);
        Assert.Equal(GeminiCalls.Key, request.Headers.GetValues("x-goog-api-key").Single());
        var expected = JsonNode.Parse("""
            {"requests":[
              {"model":"models/gemini-2.5-flash","content":{"parts":[{"text":"a b"}]},"outputDimensionality":256},
              {"model":"models/gemini-2.5-flash","content":{"parts":[{"text":"c"}]},"outputDimensionality":256}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, await GeminiCalls.BodyAsync(request)));
        Assert.Empty(call.Unsupported);
    }

    [Fact]
    public async Task Sends_vertex_predict_instances_without_silent_truncation()
    {
        var call = GeminiCalls.Embeddings("""{"model":"embed","input":"hello"}""", GeminiCalls.Vertex());
        using var request = vertex.BuildRequest(call);

        Assert.Equal(new Uri("https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:predict"),
            request.RequestUri);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"instances":[{"content":"hello"}],"parameters":{"autoTruncate":false}}"""),
            await GeminiCalls.BodyAsync(request)));
    }

    [Theory]
    [InlineData("""{"input":[1,2,3]}""", "input")]
    [InlineData("""{"input":[[1,2],[3]]}""", "input")]
    [InlineData("""{"input":"a","encoding_format":"int8"}""", "encoding_format")]
    public void Names_what_gemini_cannot_embed(string body, string unsupported)
    {
        var call = GeminiCalls.Embeddings(body);
        using var request = gemini.BuildRequest(call);
        Assert.Equal([unsupported], call.Unsupported);
    }

    [Fact]
    public void Reads_gemini_vectors_with_their_exact_digits_and_estimated_usage()
    {
        var call = GeminiCalls.Embeddings("""{"input":["abcdefgh","x"]}""");
        var response = gemini.ReadResponse(call, """{"embeddings":[{"values":[0.1234567890123,-2e-5]},{"values":[1,0]}]}"""u8);

        var expected = JsonNode.Parse("""
            {"object":"list","data":[
              {"object":"embedding","index":0,"embedding":[0.1234567890123,-2e-5]},
              {"object":"embedding","index":1,"embedding":[1,0]}],
             "model":"gemini-public","usage":{"prompt_tokens":3,"total_tokens":3}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(response.Body!)), response.Body);
        Assert.Contains("0.1234567890123", response.Body, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(3, 0, Estimated: true), response.Usage);
    }

    [Fact]
    public void Reads_reported_usage_when_the_gemini_api_sends_it()
    {
        var response = gemini.ReadResponse(GeminiCalls.Embeddings("""{"input":"a"}"""), """{"embeddings":[{"values":[1]}],"usageMetadata":{"promptTokenCount":4}}"""u8);
        Assert.Equal(new TokenUsage(4, 0), response.Usage);
    }

    [Fact]
    public void Reads_vertex_predictions_with_their_token_counts()
    {
        var call = GeminiCalls.Embeddings("""{"input":["a","b"]}""", GeminiCalls.Vertex());
        var response = vertex.ReadResponse(call, """
            {"predictions":[{"embeddings":{"statistics":{"truncated":false,"token_count":3},"values":[0.5]}},
                            {"embeddings":{"statistics":{"truncated":false,"token_count":4.0},"values":[0.25]}}],
             "metadata":{"billableCharacterCount":2}}
            """u8);
        Assert.Equal(new TokenUsage(7, 0), response.Usage);
        Assert.Equal(2, JsonNode.Parse(response.Body!)!["data"]!.AsArray().Count);
    }

    [Fact]
    public void Estimates_vertex_usage_when_a_prediction_has_no_statistics()
    {
        var call = GeminiCalls.Embeddings("""{"input":["abcd","b"]}""", GeminiCalls.Vertex());
        var response = vertex.ReadResponse(call, """{"predictions":[{"embeddings":{"statistics":{"token_count":3},"values":[0.5]}},{"embeddings":{"values":[0.25]}}]}"""u8);
        Assert.Equal(new TokenUsage(2, 0, Estimated: true), response.Usage);
    }

    [Fact]
    public void Encodes_base64_as_little_endian_float32_like_openai()
    {
        var response = gemini.ReadResponse(GeminiCalls.Embeddings("""{"input":"a","encoding_format":"base64"}"""), """{"embeddings":[{"values":[1.5,-0.25]}]}"""u8);
        var bytes = Convert.FromBase64String((string)JsonNode.Parse(response.Body!)!["data"]![0]!["embedding"]!);
        Assert.Equal([1.5f, -0.25f], [BinaryPrimitives.ReadSingleLittleEndian(bytes), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4))]);
    }

    [Theory]
    [InlineData("""{"embeddings":[{"values":[1]}]}""")]
    [InlineData("""{"embeddings":[{"values":[1]},{"values":[2]},{"values":[3]}]}""")]
    [InlineData("""{"embeddings":[{"values":["1"]},{"values":[2]}]}""")]
    [InlineData("""{"embeddings":[{"vector":[1]},{"values":[2]}]}""")]
    [InlineData("""{"predictions":[]}""")]
    [InlineData("not json")]
    public void Refuses_an_answer_without_one_vector_per_input(string answer)
    {
        Assert.False(gemini.ReadResponse(GeminiCalls.Embeddings("""{"input":["a","b"]}"""), Encoding.UTF8.GetBytes(answer)).IsValid);
    }
}
