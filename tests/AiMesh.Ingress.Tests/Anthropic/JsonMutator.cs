using System.Text.Json.Nodes;

namespace AiMesh.Ingress.Tests.Anthropic;

/// <summary>
/// Generated inputs for robustness tests: a valid JSON document with one member or element replaced by a value of
/// another kind, or removed, or the text cut short or with a byte changed. Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class JsonMutator
{
    private static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "1e300", "3.5", "\"\"", "\"x\"", "[]", "{}", "[1,\"a\",null]",
        """{"type":"text"}""", """{"type":"tool_use"}""", """[{"type":"thinking"}]""", "\"\\u0000\"", "2147483648",
    ];

    public static string Mutate(string json, Random random)
    {
        switch (random.Next(6))
        {
            case 0:
                return json[..random.Next(json.Length)];
            case 1:
                var chars = json.ToCharArray();
                chars[random.Next(chars.Length)] = "{}[]\",:0a \\"[random.Next(11)];
                return new string(chars);
            default:
                var root = JsonNode.Parse(json)!;
                var places = new List<(JsonNode Parent, object Key)>();
                Collect(root, places);
                if (places.Count == 0)
                {
                    return json;
                }

                var (parent, key) = places[random.Next(places.Count)];
                var value = random.Next(5) == 0 ? null : JsonNode.Parse(Values[random.Next(Values.Length)]);
                switch (parent, key)
                {
                    case (JsonObject o, string name) when value is null && random.Next(2) == 0:
                        o.Remove(name);
                        break;
                    case (JsonObject o, string name):
                        o[name] = value;
                        break;
                    case (JsonArray a, int index):
                        a[index] = value;
                        break;
                }

                return root.ToJsonString();
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> places)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    places.Add((o, name));
                    if (child is not null)
                    {
                        Collect(child, places);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    places.Add((a, i));
                    if (a[i] is { } child)
                    {
                        Collect(child, places);
                    }
                }

                break;
        }
    }
}
