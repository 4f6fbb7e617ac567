using System.Text.Json;

namespace AiMesh.Ingress.OpenAi;

/// <summary>Type checks that word their failures the way OpenAI does, naming the parameter.</summary>
internal static class JsonChecks
{
    public static ApiError WrongType(string param, string expected, JsonElement got) =>
        ApiError.Invalid($"Invalid type for '{param}': expected {expected}, but got {Describe(got.ValueKind)} instead.", param, "invalid_type");

    public static ApiError Missing(string param) =>
        ApiError.Invalid($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static ApiError? Boolean(JsonElement root, string name)
    {
        if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            return WrongType(name, "a boolean", value);
        }

        return null;
    }

    public static ApiError? String(JsonElement root, string name)
    {
        if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return WrongType(name, "a string", value);
        }

        return null;
    }

    public static ApiError? Object(JsonElement root, string name)
    {
        if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return WrongType(name, "an object", value);
        }

        return null;
    }

    public static ApiError? Integer(JsonElement root, string name, long min, long max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
        {
            return WrongType(name, "an integer", value);
        }

        return n < min || n > max
            ? ApiError.Invalid($"Invalid '{name}': {n} is outside [{min}, {max}].", name)
            : null;
    }

    public static ApiError? Number(JsonElement root, string name, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return WrongType(name, "a number", value);
        }

        var n = value.GetDouble();
        return n < min || n > max
            ? ApiError.Invalid($"Invalid '{name}': {n} is outside [{min}, {max}].", name)
            : null;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
