using System.Net;

namespace AiMesh.MockProvider.Tests.Gemini;

public sealed class GoogleEmbeddingsMockTests : GoogleMockTest
{
    [Fact]
    public async Task Batch_embeds_one_deterministic_vector_per_request_without_usage()
    {
        const string body = """
            {"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"same"}]},"outputDimensionality":4},
                         {"model":"models/text-embedding-004","content":{"parts":[{"text":"same"}]},"outputDimensionality":4},
                         {"model":"models/text-embedding-004","content":{"parts":[{"text":"other"}]},"outputDimensionality":4}]}
            """;
        var (response, json) = await PostGoogleAsync("v1beta/models/text-embedding-004:batchEmbedContents", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var vectors = json.GetProperty("embeddings").EnumerateArray().Select(e => e.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(4, v.Length));
        Assert.Equal(vectors[0], vectors[1]);
        Assert.NotEqual(vectors[0], vectors[2]);
        Assert.False(json.TryGetProperty("usageMetadata", out _));
    }

    [Fact]
    public async Task Refuses_a_batch_request_for_another_model()
    {
        var (response, json) = await PostGoogleAsync("v1beta/models/text-embedding-004:batchEmbedContents",
            """{"requests":[{"model":"models/other","content":{"parts":[{"text":"a"}]}}]}""");
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (response.StatusCode, GoogleError(json).Status));
    }

    [Fact]
    public async Task Embeds_one_content()
    {
        var (_, json) = await PostGoogleAsync("v1beta/models/e:embedContent", """{"content":{"parts":[{"text":"a"}]}}""");
        Assert.Equal(8, json.GetProperty("embedding").GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task Predicts_vertex_embeddings_with_token_statistics_unless_no_usage()
    {
        var token = await TokenAsync();
        const string path = "v1/projects/p/locations/us-central1/publishers/google/models/text-embedding-005:predict";
        const string body = """{"instances":[{"content":"one two three"},{"content":"four"}],"parameters":{"outputDimensionality":3,"autoTruncate":false}}""";
        var (response, json) = await PostGoogleAsync(path, body, key: null, bearer: token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("embeddings")).ToList();
        Assert.Equal([3, 1], predictions.Select(p => p.GetProperty("statistics").GetProperty("token_count").GetInt32()));
        Assert.All(predictions, p => Assert.Equal(3, p.GetProperty("values").GetArrayLength()));

        var (_, bare) = await PostGoogleAsync(path, body, key: null, bearer: token, scenario: "noUsage=1");
        Assert.False(bare.GetProperty("predictions")[0].GetProperty("embeddings").TryGetProperty("statistics", out _));
    }

    [Fact]
    public async Task Gemini_embedding_methods_are_not_on_vertex_paths_nor_predict_on_gemini_paths()
    {
        var token = await TokenAsync();
        var (vertex, _) = await PostGoogleAsync("v1/projects/p/locations/l/publishers/google/models/e:batchEmbedContents", "{}", key: null, bearer: token);
        var (gemini, _) = await PostGoogleAsync("v1beta/models/e:predict", "{}");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (vertex.StatusCode, gemini.StatusCode));
    }
}
