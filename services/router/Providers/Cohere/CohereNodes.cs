using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>Reads the client's request nodes without trusting their shape: a member of anything but an object reads as absent.</summary>
internal static class CohereNodes
{
    public static JsonNode? Member(JsonNode? node, string name) => node is JsonObject obj ? obj[name] : null;

    public static JsonNode? Member(JsonNode? node, string name, string inner) => Member(Member(node, name), inner);
}
