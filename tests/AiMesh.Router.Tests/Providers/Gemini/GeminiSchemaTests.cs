using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiSchemaTests
{
    [Theory]
    [InlineData("""{"type":"string","minLength":1,"maxLength":9,"pattern":"^a","format":"date-time","title":"T","description":"D","default":"a"}""",
        """{"type":"STRING","minLength":1,"maxLength":9,"pattern":"^a","format":"date-time","title":"T","description":"D","default":"a"}""")]
    [InlineData("""{"type":"number","minimum":0,"maximum":1.5}""", """{"type":"NUMBER","minimum":0,"maximum":1.5}""")]
    [InlineData("""{"type":"array","items":{"type":"boolean"},"minItems":1,"maxItems":3}""", """{"type":"ARRAY","items":{"type":"BOOLEAN"},"minItems":1,"maxItems":3}""")]
    [InlineData("""{"type":["string","null"]}""", """{"type":"STRING","nullable":true}""")]
    [InlineData("""{"type":["string","integer"]}""", """{"anyOf":[{"type":"STRING"},{"type":"INTEGER"}]}""")]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"null"}]}""", """{"type":"STRING","nullable":true}""")]
    [InlineData("""{"oneOf":[{"type":"string"},{"type":"integer"}]}""", """{"anyOf":[{"type":"STRING"},{"type":"INTEGER"}]}""")]
    [InlineData("""{"enum":["a","b",null]}""", """{"enum":["a","b"],"nullable":true,"type":"STRING"}""")]
    [InlineData("""{"const":"only"}""", """{"enum":["only"],"type":"STRING"}""")]
    [InlineData("""{"type":"string","format":"email","examples":["a@b.c"],"$comment":"x","deprecated":true}""", """{"type":"STRING","example":"a@b.c"}""")]
    [InlineData("""{"allOf":[{"type":"integer"}],"description":"wrapped"}""", """{"type":"INTEGER","description":"wrapped"}""")]
    [InlineData("""{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}},"required":["b"],"additionalProperties":false}""",
        """{"type":"OBJECT","properties":{"b":{"type":"STRING"},"a":{"type":"INTEGER"}},"propertyOrdering":["b","a"],"required":["b"]}""")]
    public void Translates_the_subset_gemini_accepts(string schema, string expected)
    {
        var translated = GeminiSchema.Translate(JsonNode.Parse(schema));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), translated), translated?.ToJsonString());
    }

    [Fact]
    public void Inlines_references_to_definitions_with_the_referring_description()
    {
        var translated = GeminiSchema.Translate(JsonNode.Parse("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"home":{"$ref":"#/$defs/Address","description":"where"},"work":{"$ref":"#/definitions/Address"}},
             "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"}}}},
             "definitions":{"Address":{"type":"object","properties":{"street":{"type":"string"}}}}}
            """));
        var expected = JsonNode.Parse("""
            {"type":"OBJECT","properties":{
              "home":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"description":"where"},
              "work":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}},
             "propertyOrdering":["home","work"]}
            """);
        // $defs wins over definitions when both are present; a schema uses one.
        Assert.True(JsonNode.DeepEquals(expected, translated), translated?.ToJsonString());
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}}}}}""")]
    [InlineData("""{"$ref":"#/$defs/Missing"}""")]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""")]
    [InlineData("""{"$ref":"#/$defs/A","minLength":1,"$defs":{"A":{"type":"string"}}}""")]
    [InlineData("""{"type":"integer","exclusiveMinimum":0}""")]
    [InlineData("""{"type":"integer","multipleOf":2}""")]
    [InlineData("""{"not":{"type":"string"}}""")]
    [InlineData("""{"type":"array","items":[{"type":"string"}]}""")]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string"}]}""")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""")]
    [InlineData("""{"type":"object","additionalProperties":true}""")]
    [InlineData("""{"enum":[1,2]}""")]
    [InlineData("""{"type":"integer","enum":["1"]}""")]
    [InlineData("""{"type":"tuple"}""")]
    [InlineData("""{"allOf":[{"type":"string"},{"minLength":1}]}""")]
    [InlineData("""{"if":{"type":"string"},"then":{"minLength":1}}""")]
    [InlineData("""{"type":"object","patternProperties":{"^x":{"type":"string"}}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"type":"object"}""")]
    [InlineData("""{"type":"object","properties":{"free":{"type":"object"}}}""")]
    [InlineData("""{"type":"array"}""")]
    public void Refuses_what_it_cannot_translate_exactly(string schema)
    {
        Assert.Null(GeminiSchema.Translate(JsonNode.Parse(schema)));
    }

    [Fact]
    public void Refuses_a_schema_nested_beyond_the_depth_limit_without_overflowing()
    {
        var schema = new JsonObject { ["type"] = "string" };
        for (var i = 0; i < 200; i++)
        {
            schema = new JsonObject { ["type"] = "array", ["items"] = schema };
        }

        Assert.Null(GeminiSchema.Translate(schema));
    }
}
