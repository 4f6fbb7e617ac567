using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Translates a JSON Schema (a tool's parameters, a <c>json_schema</c> response format) into Gemini's
/// <c>Schema</c>, the OpenAPI 3.0 subset <c>responseSchema</c> and <c>functionDeclarations[].parameters</c> take.
/// A schema that does not fit that subset exactly is refused (null), never approximated: the caller then sends the
/// client's JSON Schema unchanged in the field that takes JSON Schema (<c>responseJsonSchema</c>,
/// <c>parametersJsonSchema</c>). What is translated:
/// <list type="bullet">
/// <item><c>type</c> (upper-cased; <c>["x","null"]</c> becomes <c>nullable</c>, other type lists become <c>anyOf</c>),
/// <c>properties</c> (with <c>propertyOrdering</c> in the schema's order, as OpenAI writes keys), <c>required</c>,
/// <c>items</c>, <c>anyOf</c>, <c>oneOf</c> (as <c>anyOf</c>: a generated value matches one branch either way),
/// a single-branch <c>allOf</c>, string <c>enum</c> and <c>const</c>, the length, size and range bounds,
/// <c>pattern</c>, <c>title</c>, <c>description</c>, <c>default</c>, the first of <c>examples</c>.</item>
/// <item><c>$ref</c> to <c>#/$defs/…</c> or <c>#/definitions/…</c>, inlined (a recursive one is refused).</item>
/// <item><c>additionalProperties: false</c> is dropped: Gemini only ever writes the declared properties.</item>
/// <item><c>format</c> values Gemini knows are kept; others are dropped, since JSON Schema makes <c>format</c> an
/// annotation unless a validator opts in.</item>
/// <item>Pure annotations (<c>$schema</c>, <c>$id</c>, <c>$comment</c>, <c>deprecated</c>, <c>readOnly</c>, <c>writeOnly</c>) are dropped.</item>
/// </list>
/// Everything else (<c>not</c>, <c>if</c>, tuples, <c>additionalProperties</c> other than false, exclusive bounds,
/// non-string enums, an object without properties, an array without items…) is refused.
/// </summary>
internal static class GeminiSchema
{
    private const int MaxDepth = 64;

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "$defs", "definitions", "deprecated", "readOnly", "writeOnly",
    };

    private static readonly HashSet<string> CopiedBounds = new(StringComparer.Ordinal)
    {
        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum",
    };

    private static readonly HashSet<string> KnownFormats = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "enum", "float", "double", "int32", "int64",
    };

    /// <returns>The Gemini schema, or null when <paramref name="schema"/> does not translate exactly.</returns>
    public static JsonObject? Translate(JsonNode? schema)
    {
        if (schema is not JsonObject root)
        {
            return null;
        }

        var definitions = root["$defs"] as JsonObject ?? root["definitions"] as JsonObject;
        return new Translation(definitions).Object(root, 0, []);
    }

    private sealed class Translation(JsonObject? definitions)
    {
        public JsonObject? Object(JsonObject schema, int depth, HashSet<string> resolving)
        {
            if (depth > MaxDepth)
            {
                return null;
            }

            if (schema["$ref"] is { } reference)
            {
                return Reference(schema, reference, depth, resolving);
            }

            var result = new JsonObject();
            foreach (var (name, value) in schema)
            {
                if (!Keyword(result, name, value, depth, resolving))
                {
                    return null;
                }
            }

            return Finish(result);
        }

        private JsonObject? Reference(JsonObject schema, JsonNode reference, int depth, HashSet<string> resolving)
        {
            // Only a bare reference (annotations beside it aside) is inlined; siblings that constrain would need allOf.
            if (schema.Any(p => p.Key != "$ref" && p.Key is not ("description" or "title") && !Annotations.Contains(p.Key))
                || GeminiJson.Text(reference) is not { } name
                || Definition(name) is not { } target
                || !resolving.Add(name))
            {
                return null;
            }

            var inlined = Object(target, depth + 1, resolving);
            resolving.Remove(name);
            if (inlined is not null && schema["description"] is JsonValue description)
            {
                inlined["description"] = description.DeepClone();
            }

            return inlined;
        }

        private JsonObject? Definition(string reference)
        {
            var name = reference.StartsWith("#/$defs/", StringComparison.Ordinal) ? reference["#/$defs/".Length..]
                : reference.StartsWith("#/definitions/", StringComparison.Ordinal) ? reference["#/definitions/".Length..]
                : null;
            return name is null || name.Contains('/', StringComparison.Ordinal) ? null : definitions?[name] as JsonObject;
        }

        private bool Keyword(JsonObject result, string name, JsonNode? value, int depth, HashSet<string> resolving)
        {
            switch (name)
            {
                case "type":
                    return Type(result, value);
                case "properties":
                    return Properties(result, value, depth, resolving);
                case "required" when value is JsonArray names && names.All(n => n?.GetValueKind() == JsonValueKind.String):
                    result["required"] = names.DeepClone();
                    return true;
                case "items" when value is JsonObject items:
                    return Set(result, "items", Object(items, depth + 1, resolving));
                case "anyOf" or "oneOf":
                    return Branches(result, value, depth, resolving);
                case "allOf" when value is JsonArray { Count: 1 } only && only[0] is JsonObject single:
                    return Merge(result, Object(single, depth + 1, resolving));
                case "enum":
                    return Enum(result, value);
                case "const" when value?.GetValueKind() == JsonValueKind.String:
                    result["enum"] = new JsonArray(value.DeepClone());
                    return true;
                case "additionalProperties":
                    return value?.GetValueKind() == JsonValueKind.False;
                case "format" when GeminiJson.Text(value) is { } format:
                    if (KnownFormats.Contains(format))
                    {
                        result["format"] = format;
                    }

                    return true;
                case "pattern" or "title" or "description" when value?.GetValueKind() == JsonValueKind.String:
                    result[name] = value.DeepClone();
                    return true;
                case "default":
                    result["default"] = value?.DeepClone();
                    return true;
                case "examples" when value is JsonArray examples:
                    if (examples.Count > 0)
                    {
                        result["example"] = examples[0]?.DeepClone();
                    }

                    return true;
                case "nullable" when value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    result["nullable"] = value.DeepClone();
                    return true;
                case not null when CopiedBounds.Contains(name) && value?.GetValueKind() == JsonValueKind.Number:
                    result[name] = value.DeepClone();
                    return true;
                case not null when Annotations.Contains(name):
                    return true;
                default:
                    return false;
            }
        }

        private static bool Type(JsonObject result, JsonNode? value)
        {
            if (GeminiJson.Text(value) is { } name)
            {
                return TypeName(name) is { } single && Set(result, "type", single);
            }

            if (value is not JsonArray list || list.Count == 0)
            {
                return false;
            }

            var types = new List<string>();
            foreach (var item in list)
            {
                if (GeminiJson.Text(item) is not { } itemName || TypeName(itemName) is not { } type)
                {
                    return false;
                }

                if (type == "NULL")
                {
                    result["nullable"] = true;
                }
                else
                {
                    types.Add(type);
                }
            }

            if (types.Count == 0)
            {
                result["type"] = "NULL";
            }
            else if (types.Count == 1)
            {
                result["type"] = types[0];
            }
            else
            {
                // ["string","integer"]: one branch per type; keywords beside it (bounds…) stay on the parent.
                result["anyOf"] = new JsonArray([.. types.Select(t => (JsonNode)new JsonObject { ["type"] = t })]);
            }

            return true;
        }

        private static string? TypeName(string type) => type switch
        {
            "string" => "STRING",
            "number" => "NUMBER",
            "integer" => "INTEGER",
            "boolean" => "BOOLEAN",
            "array" => "ARRAY",
            "object" => "OBJECT",
            "null" => "NULL",
            _ => null,
        };

        private bool Properties(JsonObject result, JsonNode? value, int depth, HashSet<string> resolving)
        {
            if (value is not JsonObject properties)
            {
                return false;
            }

            var translated = new JsonObject();
            var order = new JsonArray();
            foreach (var (name, schema) in properties)
            {
                if (schema is not JsonObject property || Object(property, depth + 1, resolving) is not { } inner)
                {
                    return false;
                }

                translated[name] = inner;
                order.Add(name);
            }

            result["properties"] = translated;
            if (order.Count > 1)
            {
                result["propertyOrdering"] = order;
            }

            return true;
        }

        private bool Branches(JsonObject result, JsonNode? value, int depth, HashSet<string> resolving)
        {
            if (value is not JsonArray branches || branches.Count == 0 || result.ContainsKey("anyOf"))
            {
                return false;
            }

            var translated = new JsonArray();
            foreach (var branch in branches)
            {
                if (branch is not JsonObject schema || Object(schema, depth + 1, resolving) is not { } inner)
                {
                    return false;
                }

                // {"type":"null"} as a branch is how nullable unions are written (Pydantic's Optional[X]).
                if (inner.Count == 1 && (string?)inner["type"] == "NULL")
                {
                    result["nullable"] = true;
                    continue;
                }

                translated.Add(inner);
            }

            if (translated.Count == 1)
            {
                return Merge(result, (JsonObject)translated[0]!.DeepClone());
            }

            result["anyOf"] = translated;
            return true;
        }

        private static bool Enum(JsonObject result, JsonNode? value)
        {
            if (value is not JsonArray values || values.Count == 0)
            {
                return false;
            }

            var strings = new JsonArray();
            foreach (var item in values)
            {
                if (item is null)
                {
                    result["nullable"] = true;
                }
                else if (item.GetValueKind() == JsonValueKind.String)
                {
                    strings.Add(item.DeepClone());
                }
                else
                {
                    // Gemini's enum holds strings; a number or boolean could not come back as one.
                    return false;
                }
            }

            result["enum"] = strings;
            return strings.Count > 0;
        }

        private static bool Merge(JsonObject result, JsonObject? inner)
        {
            if (inner is null)
            {
                return false;
            }

            foreach (var (name, value) in inner.ToArray())
            {
                if (result.ContainsKey(name) && name is not ("description" or "title"))
                {
                    return false;
                }

                inner.Remove(name);
                result.TryAdd(name, value);
            }

            return true;
        }

        private static JsonObject? Finish(JsonObject result)
        {
            // An enum or a const without a type is a string enum to Gemini.
            if (result.ContainsKey("enum") && !result.ContainsKey("type"))
            {
                result["type"] = "STRING";
            }

            // Gemini wants an object's properties and an array's items spelled out: JSON Schema's "any object" or
            // "any array" has no Schema form.
            var type = (string?)result["type"];
            var fits = (result["enum"] is null || type == "STRING")
                && (type != "OBJECT" || result["properties"] is JsonObject { Count: > 0 })
                && (type != "ARRAY" || result["items"] is not null);
            return fits ? result : null;
        }

        private static bool Set(JsonObject result, string name, JsonNode? value)
        {
            if (value is null)
            {
                return false;
            }

            result[name] = value;
            return true;
        }
    }
}
