using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// A json-mode API's output: the model's text parsed as JSON (a Markdown code fence around it is allowed, as models
/// often add one) and checked against the API's output schema. The outcome is the value, or what is wrong in words the
/// model can act on in its repair call and a client can read.
/// </summary>
internal static class OutputCheck
{
    public static (JsonNode? Output, string? Problem) Check(string text, PublishedApi api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var json = Unfenced(text);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return (null, $"The output is not JSON: {e.Message}");
        }

        if (node is null)
        {
            return (null, "The output is JSON null.");
        }

        if (api.OutputSchema is { } schema)
        {
            var errors = schema.Validate(node.ToJsonString());
            if (errors.Count > 0)
            {
                return (null, "The output does not match the schema: " + string.Join("; ", errors.Take(5).Select(e =>
                    $"{(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}: {e.Kind}{(e.Property is { } p ? $" ({p})" : "")}")));
            }
        }

        return (node, null);
    }

    private static string Unfenced(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return trimmed;
        }

        var inner = trimmed[3..^3];
        var newline = inner.IndexOf('\n', StringComparison.Ordinal);
        return newline >= 0 && !inner[..newline].Contains('{', StringComparison.Ordinal) ? inner[(newline + 1)..] : inner;
    }
}
