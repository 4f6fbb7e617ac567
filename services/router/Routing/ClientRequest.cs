using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Routing;

/// <summary>Parses the client's request body once, for every adapter to translate from.</summary>
internal static class ClientRequest
{
    // A JSON object cannot hold one name twice; refusing such a body beats silently choosing one of the values.
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    public static JsonObject? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the client asked for the usage chunk of a stream itself.</summary>
    public static bool IncludesUsage(JsonObject body) =>
        body["stream_options"] is JsonObject options
        && options["include_usage"] is JsonValue value
        && value.GetValueKind() == JsonValueKind.True;
}
