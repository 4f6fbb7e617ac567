using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

public sealed class CohereEmbeddingsTests
{
    private const string Answer = """
        {"id":"e","embeddings":{"float":[[0.5,-0.25],[1,0]]},"texts":["a","b"],
         "meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":4}},"response_type":"embeddings_by_type"}
        """;

    [Fact]
    public async Task Sends_the_texts_as_search_documents_asking_for_floats_with_the_dimensions_as_output_dimension()
    {
        var call = Embeddings("""{"model":"embed-public","input":["a","b"],"dimensions":256,"encoding_format":"base64","user":"u"}""");
        using var request = Adapter.BuildRequest(call);

        Assert.Equal("https://api.cohere.com/v2/embed", request.RequestUri!.ToString());
        Assert.Empty(call.Unsupported);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"model":"command-a-03-2025","texts":["a","b"],"input_type":"search_document","embedding_types":["float"],"output_dimension":256}
            """), JsonNode.Parse(await request.Content!.ReadAsStringAsync())));
    }

    [Fact]
    public async Task The_client_s_own_input_type_and_truncate_pass_as_they_are()
    {
        var sent = await SentBodyAsync(Embeddings("""{"model":"e","input":"q","input_type":"search_query","truncate":"END"}"""));

        Assert.Equal(("search_query", "END"), ((string?)sent["input_type"], (string?)sent["truncate"]));
        Assert.Equal(["q"], sent["texts"]!.AsArray().Select(t => (string?)t));
    }

    [Theory]
    [InlineData("""{"model":"e","input":[1,2,3]}""", "input")]
    [InlineData("""{"model":"e","input":[]}""", "input")]
    [InlineData("""{"model":"e","input":"a","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"e","input":"a","frobnicate":true}""", "frobnicate")]
    public async Task What_cohere_cannot_embed_is_reported(string body, string name)
    {
        var call = Embeddings(body);
        await SentBodyAsync(call);

        Assert.Equal([name], call.Unsupported);
    }

    [Fact]
    public void Reads_the_float_vectors_into_openai_s_embeddings_shape()
    {
        var response = Adapter.ReadResponse(Embeddings("""{"model":"embed-public","input":["a","b"]}"""), Encoding.UTF8.GetBytes(Answer));

        Assert.Equal("""
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]},{"object":"embedding","index":1,"embedding":[1,0]}],"model":"command-public","usage":{"prompt_tokens":4,"total_tokens":4}}
            """, response.Body);
        Assert.Equal(new TokenUsage(4, 0), response.Usage);
    }

    [Fact]
    public void Base64_is_encoded_by_the_adapter_as_openai_encodes_it()
    {
        var response = Adapter.ReadResponse(Embeddings("""{"model":"e","input":["a","b"],"encoding_format":"base64"}"""), Encoding.UTF8.GetBytes(Answer));

        var encoded = (string)JsonNode.Parse(response.Body!)!["data"]![0]!["embedding"]!;
        var bytes = Convert.FromBase64String(encoded);
        Assert.Equal([0.5f, -0.25f], [BitConverter.ToSingle(bytes, 0), BitConverter.ToSingle(bytes, 4)]);
    }

    [Fact]
    public void Without_billed_units_the_usage_is_an_estimate_and_says_so()
    {
        var response = Adapter.ReadResponse(Embeddings("""{"model":"e","input":"abcdefgh"}"""), """{"embeddings":{"float":[[1]]}}"""u8);

        Assert.Equal(new TokenUsage(2, 0, Estimated: true), response.Usage);
    }

    [Theory]
    [InlineData("""{"embeddings":{"float":[[1]]}}""")]
    [InlineData("""{"embeddings":{"float":[[1],["x"]]}}""")]
    [InlineData("""{"embeddings":{"int8":[[1],[2]]}}""")]
    [InlineData("""{"embeddings":[[1],[2]]}""")]
    [InlineData("""{"embeddings":{"float":[[1e39],[2]]}}""")]
    public void Vectors_that_do_not_answer_the_input_make_the_answer_invalid(string body)
    {
        Assert.False(Adapter.ReadResponse(Embeddings("""{"model":"e","input":["a","b"]}"""), Encoding.UTF8.GetBytes(body)).IsValid);
    }
}
