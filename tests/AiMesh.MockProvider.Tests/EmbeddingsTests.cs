using System.Buffers.Binary;
using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class EmbeddingsTests : MockProviderTest
{
    [Fact]
    public async Task One_deterministic_unit_vector_per_input()
    {
        var (response, json) = await PostJsonAsync("v1/embeddings", """{"model":"mock-embed","input":["alpha beta","gamma","alpha beta"]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("list", json.GetProperty("object").GetString());
        Assert.Equal("mock-embed", json.GetProperty("model").GetString());
        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data, d => Assert.Equal("embedding", d.GetProperty("object").GetString()));
        var vectors = data.Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
        Assert.All(vectors, v =>
        {
            Assert.Equal(8, v.Length);
            Assert.InRange(Math.Sqrt(v.Sum(x => (double)x * x)), 0.999, 1.001);
        });
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.Equal(5, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, json.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Base64_encoding_carries_the_same_little_endian_float32_values()
    {
        var (_, floats) = await PostJsonAsync("v1/embeddings", """{"model":"e","input":"same text","dimensions":16}""");
        var (_, base64) = await PostJsonAsync("v1/embeddings", """{"model":"e","input":"same text","dimensions":16,"encoding_format":"base64"}""");

        var expected = floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(16, expected.Length);
        Assert.Equal(expected, decoded);
    }

    [Theory]
    [InlineData("[1,2,3]", 1, 3)]
    [InlineData("[[1,2],[3]]", 2, 3)]
    public async Task Token_array_inputs_embed_one_vector_per_array(string input, int vectors, int tokens)
    {
        var (_, json) = await PostJsonAsync("v1/embeddings", $$"""{"model":"e","input":{{input}}}""");

        Assert.Equal(vectors, json.GetProperty("data").GetArrayLength());
        Assert.Equal(tokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"e"}""", "input")]
    [InlineData("""{"model":"e","input":[]}""", "input")]
    [InlineData("""{"model":"e","input":["a",1]}""", "input")]
    [InlineData("""{"input":"a"}""", "model")]
    [InlineData("""{"model":"e","input":"a","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"e","input":"a","encoding_format":"int8"}""", "encoding_format")]
    public async Task Invalid_requests_are_a_400_naming_the_parameter(string body, string param)
    {
        var (response, json) = await PostJsonAsync("v1/embeddings", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, json.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var (response, json) = await PostJsonAsync("v1/embeddings", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonValueKind.Object, json.GetProperty("error").ValueKind);
    }
}
