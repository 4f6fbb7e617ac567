using AiMesh.Contracts.Prompts;
using AiMesh.Ingress.PromptApis;
using NJsonSchema;

namespace AiMesh.Ingress.Tests.PromptApis;

/// <summary>A json-mode prompt API's output check: JSON (fenced or not) that fits the schema passes; anything else is named.</summary>
public sealed class OutputCheckTests
{
    private const string Schema = """{"type":"object","required":["sentiment"],"properties":{"sentiment":{"enum":["positive","negative"]}}}""";

    [Theory]
    [InlineData("""{"sentiment":"positive"}""")]
    [InlineData("```json\n{\"sentiment\":\"negative\"}\n```")]
    [InlineData("  ```\n{\"sentiment\":\"positive\"}```  ")]
    public async Task Json_that_fits_the_schema_is_the_output(string text)
    {
        var (output, problem) = OutputCheck.Check(text, await ApiAsync(Schema));

        Assert.Null(problem);
        Assert.NotNull(output!["sentiment"]);
    }

    [Theory]
    [InlineData("It is positive.", "not JSON")]
    [InlineData("null", "JSON null")]
    [InlineData("""{"mood":"ok"}""", "sentiment")]
    [InlineData("""{"sentiment":"meh"}""", "sentiment")]
    public async Task Anything_else_is_refused_in_words_that_name_the_fault(string text, string named)
    {
        var (output, problem) = OutputCheck.Check(text, await ApiAsync(Schema));

        Assert.Null(output);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_schema_any_JSON_is_the_output()
    {
        var (output, problem) = OutputCheck.Check("[1,2]", await ApiAsync(null));

        Assert.Null(problem);
        Assert.Equal(2, output!.AsArray().Count);
    }

    [Fact]
    public async Task The_OpenAPI_document_takes_the_input_and_output_schemas_and_names_every_path()
    {
        var api = await ApiAsync(Schema, path: "/apis/mood");

        var document = PromptApiOpenApi.Document("t", "3", [api]);

        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        var post = document["paths"]!["/apis/mood"]!["post"]!;
        Assert.Equal("text", post["requestBody"]!["content"]!["application/json"]!["schema"]!["required"]![0]!.GetValue<string>());
        Assert.Equal("sentiment", post["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["properties"]!["output"]!["required"]![0]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/v1/prompts/mood/run"]);
    }

    private static async Task<PublishedApi> ApiAsync(string? schema, string? path = null) => new(
        new PromptApiDetail("mood", path, "production", null, null, "json", schema, null, true, DateTimeOffset.UnixEpoch, "ops", 3, "gpt-4o-mini",
            """{"type":"object","required":["text"]}"""),
        schema is null ? null : await JsonSchema.FromJsonAsync(schema));
}
