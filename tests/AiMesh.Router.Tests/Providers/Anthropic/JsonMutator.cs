using System.Text;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Tests.Providers.Anthropic;

/// <summary>
/// Seeded, structure-aware mutations of JSON documents, for property tests: replace a node with a value of another
/// type, drop a member, add a member with a name the translator looks for, or damage the text itself.
/// </summary>
internal sealed class JsonMutator(int seed)
{
    // Names the Anthropic and OpenAI shapes use, so added members hit code paths instead of being ignored.
    private static readonly string[] Names =
    [
        "type", "text", "index", "delta", "content_block", "content", "id", "name", "input", "partial_json", "thinking",
        "signature", "data", "usage", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
        "stop_reason", "message", "error", "role", "messages", "tools", "tool_choice", "tool_calls", "function", "arguments",
        "parameters", "image_url", "url", "detail", "file", "file_data", "response_format", "json_schema", "schema", "stop",
        "max_tokens", "max_completion_tokens", "user", "metadata", "cache_control", "thinking_blocks", "tool_call_id", "n",
        "parallel_tool_calls", "stream", "system",
    ];

    private static readonly string[] Words =
    [
        "text", "tool_use", "thinking", "redacted_thinking", "text_delta", "input_json_delta", "thinking_delta", "signature_delta",
        "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        "error", "ping", "end_turn", "tool_use", "max_tokens", "overloaded_error", "user", "assistant", "system", "tool",
        "developer", "function", "image_url", "auto", "none", "required", "json_object", "json_schema", "data:image/png;base64,AA==",
        "https://example.com/a.png", "{\"a\":1}", "{", "", "\"", "\\", "日本", "😀", "\u0000", "\u2028",
    ];

    private const string Damage = "{}[]\",:\\0a \u00e9";

    private readonly Random random = new(seed);

    public Random Random => random;

    public string Mutate(string json)
    {
        if (random.Next(4) == 0)
        {
            return DamageText(json);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return DamageText(json);
        }

        if (root is null)
        {
            return json;
        }

        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations && root is not null; i++)
        {
            root = MutateTree(root);
        }

        return root?.ToJsonString() ?? "null";
    }

    public JsonNode? RandomValue(int depth = 0)
    {
        switch (random.Next(depth > 2 ? 6 : 9))
        {
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return random.Next(6) switch
                {
                    0 => 0,
                    1 => -1,
                    2 => int.MaxValue,
                    3 => 1e300,
                    4 => 0.5,
                    _ => random.Next(0, 100),
                };
            case 3:
            case 4:
                return Words[random.Next(Words.Length)];
            case 5:
                return RandomText();
            case 6:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomValue(depth + 1));
                }

                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--)
                {
                    obj[Names[random.Next(Names.Length)]] = RandomValue(depth + 1);
                }

                return obj;
        }
    }

    /// <summary>Text with quotes, escapes, control characters and characters outside the BMP; always valid UTF-16.</summary>
    public string RandomText()
    {
        var text = new StringBuilder();
        for (var i = random.Next(12); i > 0; i--)
        {
            text.Append(random.Next(7) switch
            {
                0 => "\"",
                1 => "\\",
                2 => ((char)random.Next(0, 32)).ToString(),
                3 => "😀",
                4 => "é日",
                5 => "\u2028</script>",
                _ => ((char)random.Next('a', 'z' + 1)).ToString(),
            });
        }

        return text.ToString();
    }

    private JsonNode? MutateTree(JsonNode root)
    {
        var all = new List<JsonNode>();
        Collect(root, all);
        var target = all[random.Next(all.Count)];
        if (target == root)
        {
            return random.Next(4) == 0 ? RandomValue() : MutateContainer(root);
        }

        var parent = target.Parent!;
        switch (random.Next(3))
        {
            case 0 when parent is JsonObject parentObject:
                parentObject.Remove(target.GetPropertyName());
                break;
            case 1:
                MutateContainer(target);
                break;
            default:
                Replace(target, RandomValue());
                break;
        }

        return root;
    }

    private JsonNode MutateContainer(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj[Names[random.Next(Names.Length)]] = RandomValue();
                break;
            case JsonArray array:
                if (array.Count > 0 && random.Next(2) == 0)
                {
                    array.RemoveAt(random.Next(array.Count));
                }
                else
                {
                    array.Insert(random.Next(array.Count + 1), RandomValue());
                }

                break;
            default:
                Replace(node, RandomValue());
                break;
        }

        return node;
    }

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
            default:
                break;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> all)
    {
        if (node is null)
        {
            return;
        }

        all.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Collect(child, all);
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Collect(child, all);
                }

                break;
            default:
                break;
        }
    }

    private string DamageText(string json)
    {
        if (json.Length == 0)
        {
            return "{";
        }

        var chars = json.ToCharArray().ToList();
        switch (random.Next(3))
        {
            case 0:
                return json[..random.Next(json.Length)];
            case 1:
                chars[random.Next(chars.Count)] = Damage[random.Next(Damage.Length)];
                return new string([.. chars]);
            default:
                chars.Insert(random.Next(chars.Count + 1), Damage[random.Next(Damage.Length)]);
                return new string([.. chars]);
        }
    }
}
