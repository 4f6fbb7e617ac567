using System.Text;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Tests.OpenAi;

public sealed class EmbeddingsRequestValidatorTests
{
    [Theory]
    [InlineData("""{"model":"text-embedding-3-small","input":"hello"}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":["one","two"]}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":[1,2,3]}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":[[1,2],[3]]}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":"x","dimensions":256,"encoding_format":"base64"}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":"x","dimensions":null,"encoding_format":"float","user":null}""")]
    [InlineData("""{"model":"text-embedding-3-small","input":"x","x_vendor":{"truncate":"END"}}""")]
    public void Accepts_a_valid_body_unchanged(string body)
    {
        var (request, error) = EmbeddingsRequestValidator.Validate(Encoding.UTF8.GetBytes(body), 64);

        Assert.Null(error);
        Assert.Equal(("embeddings", "text-embedding-3-small", false, false), (request!.Api, request.Model, request.Stream, request.HasPrompt));
        Assert.Equal(body, request.Body);
        Assert.Null(request.Tags);
    }

    [Fact]
    public void Reads_the_user()
    {
        var (request, _) = EmbeddingsRequestValidator.Validate("""{"model":"e","input":"x","user":"user-9"}"""u8.ToArray(), 64);

        Assert.Equal("user-9", request!.User);
    }

    [Theory]
    [InlineData("nope", null, "invalid_json")]
    [InlineData("[1]", null, "invalid_json")]
    [InlineData("""{"input":"x"}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":"","input":"x"}""", "model", "invalid_type")]
    [InlineData("""{"model":"e"}""", "input", "missing_required_parameter")]
    [InlineData("""{"model":"e","input":[]}""", "input", "empty_array")]
    [InlineData("""{"model":"e","input":5}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":null}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":{"text":"x"}}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":["a",1]}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":[[1],"a"]}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":[[1,"a"]]}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":[true]}""", "input", "invalid_type")]
    [InlineData("""{"model":"e","input":"x","dimensions":0}""", "dimensions", "invalid_value")]
    [InlineData("""{"model":"e","input":"x","dimensions":65537}""", "dimensions", "invalid_value")]
    [InlineData("""{"model":"e","input":"x","dimensions":"256"}""", "dimensions", "invalid_type")]
    [InlineData("""{"model":"e","input":"x","encoding_format":"hex"}""", "encoding_format", "invalid_value")]
    [InlineData("""{"model":"e","input":"x","encoding_format":1}""", "encoding_format", "invalid_value")]
    [InlineData("""{"model":"e","input":"x","user":5}""", "user", "invalid_type")]
    public void Refuses_an_invalid_body_naming_the_parameter(string body, string? param, string code)
    {
        var (request, error) = EmbeddingsRequestValidator.Validate(Encoding.UTF8.GetBytes(body), 64);

        Assert.Null(request);
        Assert.Equal((400, "invalid_request_error", code, param), (error!.Status, error.Type, error.Code, error.Param));
    }

    [Fact]
    public void Refuses_nesting_deeper_than_the_limit()
    {
        var body = $$"""{"model":"e","input":"x","x":{{new string('[', 8)}}{{new string(']', 8)}}}""";

        Assert.Null(EmbeddingsRequestValidator.Validate(Encoding.UTF8.GetBytes(body), 9).Error);
        Assert.Equal("invalid_json", EmbeddingsRequestValidator.Validate(Encoding.UTF8.GetBytes(body), 8).Error!.Code);
    }
}
