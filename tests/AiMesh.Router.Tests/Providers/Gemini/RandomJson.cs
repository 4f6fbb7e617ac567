using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>
/// A seeded generator of arbitrary JSON and of mutations of real payloads, for the no-exception-escapes tests. Keys
/// come mostly from the vocabulary the code under test looks for, so the random documents reach deep into it.
/// </summary>
internal sealed class RandomJson(int seed, IReadOnlyList<string> keys, IReadOnlyList<string> strings)
{
    private static readonly string[] Numbers = ["0", "-0", "1", "-1", "2", "0.5", "1e308", "-1e308", "1e-320", "12345678901234567890", "3.0", "2147483648"];

    private readonly Random random = new(seed);

    public Random Random => random;

    public JsonNode? Node(int depth)
    {
        var pick = random.Next(depth <= 0 ? 4 : 7);
        switch (pick)
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(random.Next(2) == 0);
            case 2:
                return JsonNode.Parse(Numbers[random.Next(Numbers.Length)]);
            case 3:
                return JsonValue.Create(strings[random.Next(strings.Count)]);
            case 4 or 5:
                {
                    var obj = new JsonObject();
                    var count = random.Next(6);
                    for (var i = 0; i < count; i++)
                    {
                        obj[keys[random.Next(keys.Count)]] = Node(depth - 1);
                    }

                    return obj;
                }

            default:
                {
                    var array = new JsonArray();
                    var count = random.Next(5);
                    for (var i = 0; i < count; i++)
                    {
                        array.Add(Node(depth - 1));
                    }

                    return array;
                }
        }
    }

    /// <summary>A random object at the top, as request bodies are.</summary>
    public JsonObject Object(int depth)
    {
        var obj = new JsonObject();
        var count = 1 + random.Next(8);
        for (var i = 0; i < count; i++)
        {
            obj[keys[random.Next(keys.Count)]] = Node(depth - 1);
        }

        return obj;
    }

    /// <summary><paramref name="text"/> with a few random edits: bytes flipped, cut, repeated, or JSON punctuation and escapes dropped in.</summary>
    public string Mutate(string text)
    {
        var builder = new StringBuilder(text);
        var edits = 1 + random.Next(4);
        string[] inserts = ["{", "}", "[", "]", "\"", ",", ":", "null", "\\ud800", "\\", "1e999", "\"candidates\":", "\r\n\r\n", "data: ", "\0"];
        for (var i = 0; i < edits && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(5))
            {
                case 0:
                    builder[at] = (char)random.Next(32, 127);
                    break;
                case 1:
                    builder.Length = at;
                    break;
                case 2:
                    builder.Remove(at, Math.Min(builder.Length - at, 1 + random.Next(8)));
                    break;
                case 3:
                    builder.Insert(at, inserts[random.Next(inserts.Length)]);
                    break;
                default:
                    var length = Math.Min(builder.Length - at, 1 + random.Next(40));
                    builder.Insert(at, builder.ToString(at, length));
                    break;
            }
        }

        return builder.ToString();
    }

    public static string Describe(int seed, string input) => string.Create(CultureInfo.InvariantCulture, $"seed {seed}: {input}");
}
