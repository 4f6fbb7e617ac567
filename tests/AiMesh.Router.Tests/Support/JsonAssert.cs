using System.Text.Json.Nodes;

namespace AiMesh.Router.Tests.Support;

/// <summary>JSON compared as JSON (member order and spacing aside), failing with both texts.</summary>
internal static class JsonAssert
{
    public static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}\nActual   {actual}");
}
