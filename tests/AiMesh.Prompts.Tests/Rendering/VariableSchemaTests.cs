using System.Text.Json.Nodes;
using AiMesh.Prompts.Rendering;

namespace AiMesh.Prompts.Tests.Rendering;

/// <summary>A prompt's variable schema: checked before rendering, each violation named by the variable it is about.</summary>
public sealed class VariableSchemaTests
{
    private const string Order = """
        {"type":"object","required":["customer","count"],
         "properties":{"customer":{"type":"string","maxLength":20},"count":{"type":"integer","minimum":1},
                       "tone":{"enum":["brief","warm"]},"items":{"type":"array","items":{"type":"string"}}},
         "additionalProperties":false}
        """;

    [Fact]
    public async Task Variables_that_fit_pass()
    {
        var schema = await SchemaAsync(Order);

        Assert.Null(schema.Check(Variables("""{"customer":"Ann","count":2,"tone":"warm","items":["tea"]}""")));
    }

    [Theory]
    [InlineData("""{"count":2}""", "prompt.variables.customer", "The variable 'customer' is required.")]
    [InlineData("""{"customer":"Ann","count":0}""", "prompt.variables.count", "The variable 'count' is below its minimum.")]
    [InlineData("""{"customer":"Ann","count":"two"}""", "prompt.variables.count", "The variable 'count' must be an integer.")]
    [InlineData("""{"customer":"Ann","count":1,"tone":"rude"}""", "prompt.variables.tone", "The variable 'tone' is not one of the allowed values.")]
    [InlineData("""{"customer":"Ann","count":1,"items":["tea",3]}""", "prompt.variables.items[1]", "The variable 'items[1]' must be a string.")]
    [InlineData("""{"customer":"Ann","count":1,"admin":true}""", "prompt.variables.admin", "The variable 'admin' is not a variable of this prompt.")]
    [InlineData("""{"customer":"A very long customer name indeed","count":1}""", "prompt.variables.customer", "The variable 'customer' is too long.")]
    public async Task A_violation_names_the_variable_and_what_is_wrong(string variables, string param, string message)
    {
        var schema = await SchemaAsync(Order);

        Assert.Equal(new VariableViolation(param, message), schema.Check(Variables(variables)));
    }

    [Theory]
    [InlineData("""{"properties":{"a":{"$ref":"https://example.com/evil.json"}}}""", "refers outside itself ('https://example.com/evil.json')")]
    [InlineData("""{"properties":{"a":{"$ref":"/etc/passwd"}}}""", "refers outside itself ('/etc/passwd')")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"type":""", "is not JSON")]
    public async Task A_schema_that_refers_outside_itself_or_is_not_one_is_refused_in_words(string json, string expected)
    {
        var (schema, error) = await VariableSchema.ParseAsync(json);

        Assert.Null(schema);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_inside_the_schema_are_followed()
    {
        var schema = await SchemaAsync("""
            {"definitions":{"name":{"type":"string","minLength":2}},
             "type":"object","properties":{"who":{"$ref":"#/definitions/name"}}}
            """);

        Assert.Null(schema.Check(Variables("""{"who":"Ann"}""")));
        Assert.Equal("prompt.variables.who", schema.Check(Variables("""{"who":"A"}"""))!.Param);
    }

    private static async Task<VariableSchema> SchemaAsync(string json)
    {
        var (schema, error) = await VariableSchema.ParseAsync(json);
        Assert.True(schema is not null, error);
        return schema;
    }

    private static JsonObject Variables(string json) => JsonNode.Parse(json)!.AsObject();
}
