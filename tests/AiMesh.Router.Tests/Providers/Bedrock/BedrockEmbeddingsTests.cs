using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class BedrockEmbeddingsTests
{
    private readonly BedrockAdapter adapter = new(new FixedTime());

    [Fact]
    public async Task Titan_embeds_one_text_with_its_dimensions_and_reports_its_token_count()
    {
        var call = BedrockCalls.Call("""{"model":"embed","input":["hello world"],"dimensions":256}""", api: "embeddings", deployment: BedrockCalls.Deployment("amazon.titan-embed-text-v2:0"));
        using var request = adapter.BuildRequest(call);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"inputText":"hello world","dimensions":256}"""), await BedrockCalls.SentBodyAsync(request)));
        Assert.Empty(call.Unsupported);

        var response = adapter.ReadResponse(call, """{"embedding":[0.5,-0.25],"inputTextTokenCount":3,"embeddingsByType":{"float":[0.5,-0.25]}}"""u8);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]}],"model":"claude-haiku","usage":{"prompt_tokens":3,"total_tokens":3}}
            """), JsonNode.Parse(response.Body!)), response.Body);
        Assert.Equal(new TokenUsage(3, 0), response.Usage);
    }

    [Fact]
    public void Titan_cannot_embed_several_texts_or_token_ids_in_one_call()
    {
        var titan = BedrockCalls.Deployment("amazon.titan-embed-text-v2:0");
        var several = BedrockCalls.Call("""{"model":"e","input":["a","b"],"user":"u"}""", api: "embeddings", deployment: titan);
        using var _ = adapter.BuildRequest(several);
        Assert.Equal(["input", "user"], several.Unsupported);

        var tokens = BedrockCalls.Call("""{"model":"e","input":[1,2,3]}""", api: "embeddings", deployment: titan);
        using var __ = adapter.BuildRequest(tokens);
        Assert.Equal(["input"], tokens.Unsupported);
    }

    [Fact]
    public async Task Cohere_embeds_a_batch_with_an_input_type_and_estimates_usage()
    {
        var cohere = BedrockCalls.Deployment("cohere.embed-english-v3");
        var call = BedrockCalls.Call("""{"model":"e","input":["abcd","abcdefgh"],"input_type":"search_query","encoding_format":"base64"}""", api: "embeddings", deployment: cohere);
        using var request = adapter.BuildRequest(call);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"texts":["abcd","abcdefgh"],"input_type":"search_query"}"""), await BedrockCalls.SentBodyAsync(request)));

        var defaulted = BedrockCalls.Call("""{"model":"e","input":"x"}""", api: "embeddings", deployment: cohere);
        using var defaultedRequest = adapter.BuildRequest(defaulted);
        Assert.Equal("search_document", (string?)(await BedrockCalls.SentBodyAsync(defaultedRequest))["input_type"]);

        var response = adapter.ReadResponse(call, """{"embeddings":[[1.5,-2],[0.25,0]],"id":"x","response_type":"embeddings_floats","texts":["abcd","abcdefgh"]}"""u8);
        var data = JsonNode.Parse(response.Body!)!["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        var first = Convert.FromBase64String((string)data[0]!["embedding"]!);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(first));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(first.AsSpan(4)));
        Assert.Equal(new TokenUsage(3, 0, Estimated: true), response.Usage);
    }

    [Theory]
    [InlineData("""{"embedding":"x","inputTextTokenCount":1}""")]
    [InlineData("""{"embedding":[1],"inputTextTokenCount":"1"}""")]
    [InlineData("""{"embedding":[1,"a"],"inputTextTokenCount":1}""")]
    [InlineData("""{"embedding":[1e999],"inputTextTokenCount":1}""")]
    [InlineData("nope")]
    public void Unreadable_answers_are_invalid(string answer)
    {
        var call = BedrockCalls.Call("""{"model":"e","input":"a","encoding_format":"base64"}""", api: "embeddings", deployment: BedrockCalls.Deployment("amazon.titan-embed-text-v2:0"));
        Assert.False(adapter.ReadResponse(call, Encoding.UTF8.GetBytes(answer)).IsValid);
    }
}
