using System.Text;
using System.Text.Json;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// Checks a chat completion request's shape (types and ranges of the members OpenAI defines) without changing it:
/// members it does not know pass through untouched to the provider.
/// </summary>
internal static class ChatRequestValidator
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public static (ValidatedRequest? Request, ApiError? Error) Validate(byte[] body, int maxDepth)
    {
        var (document, modelName, opened) = RequestDocument.Open(body, maxDepth);
        if (opened is not null)
        {
            return (null, opened);
        }

        using (document)
        {
            var root = document!.RootElement;
            var hasPrompt = root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind != JsonValueKind.Null;
            if (hasPrompt && prompt.ValueKind != JsonValueKind.Object)
            {
                return (null, JsonChecks.WrongType("prompt", "an object", prompt));
            }

            var error = Messages(root, required: !hasPrompt)
                ?? JsonChecks.Boolean(root, "stream")
                ?? StreamOptions(root)
                ?? JsonChecks.Integer(root, "n", 1, 128)
                ?? JsonChecks.Integer(root, "max_tokens", 1, int.MaxValue)
                ?? JsonChecks.Integer(root, "max_completion_tokens", 1, int.MaxValue)
                ?? JsonChecks.Integer(root, "seed", long.MinValue, long.MaxValue)
                ?? JsonChecks.Number(root, "temperature", 0, 2)
                ?? JsonChecks.Number(root, "top_p", 0, 1)
                ?? JsonChecks.Number(root, "presence_penalty", -2, 2)
                ?? JsonChecks.Number(root, "frequency_penalty", -2, 2)
                ?? JsonChecks.String(root, "user")
                ?? JsonChecks.Object(root, "response_format")
                ?? Stop(root)
                ?? Tools(root)
                ?? ToolChoice(root);
            if (error is not null)
            {
                return (null, error);
            }

            var (tags, tagError) = Metadata(root);
            if (tagError is not null)
            {
                return (null, tagError);
            }

            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var user = root.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            return (new ValidatedRequest("chat.completions", modelName!, stream, hasPrompt, user, tags, Encoding.UTF8.GetString(body), null, MaxOutputTokens(root)), null);
        }
    }

    private static ApiError? Messages(JsonElement root, bool required)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
        {
            return required ? JsonChecks.Missing("messages") : null;
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return JsonChecks.WrongType("messages", "an array", messages);
        }

        if (required && messages.GetArrayLength() == 0)
        {
            return ApiError.Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages", "empty_array");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"messages[{i++}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return JsonChecks.WrongType(at, "an object", message);
            }

            if (!message.TryGetProperty("role", out var role))
            {
                return JsonChecks.Missing($"{at}.role");
            }

            if (role.ValueKind != JsonValueKind.String || !Roles.Contains(role.GetString()!))
            {
                return ApiError.Invalid($"Invalid value for '{at}.role': expected one of {string.Join(", ", Roles)}.", $"{at}.role");
            }

            if (message.TryGetProperty("content", out var content))
            {
                var contentError = Content(content, $"{at}.content");
                if (contentError is not null)
                {
                    return contentError;
                }
            }
        }

        return null;
    }

    private static ApiError? Content(JsonElement content, string at)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var partAt = $"{at}[{i++}]";
                    if (part.ValueKind != JsonValueKind.Object)
                    {
                        return JsonChecks.WrongType(partAt, "an object", part);
                    }

                    if (!part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        return JsonChecks.Missing($"{partAt}.type");
                    }

                    switch (type.GetString())
                    {
                        case "text" when !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String:
                            return JsonChecks.Missing($"{partAt}.text");
                        case "image_url" when !part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object
                            || !image.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String:
                            return JsonChecks.Missing($"{partAt}.image_url.url");
                    }
                }

                return null;
            default:
                return JsonChecks.WrongType(at, "a string or an array of content parts", content);
        }
    }

    private static ApiError? StreamOptions(JsonElement root)
    {
        if (!root.TryGetProperty("stream_options", out var options) || options.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return options.ValueKind != JsonValueKind.Object
            ? JsonChecks.WrongType("stream_options", "an object", options)
            : JsonChecks.Boolean(options, "include_usage") is null ? null : JsonChecks.WrongType("stream_options.include_usage", "a boolean", options.GetProperty("include_usage"));
    }

    private static ApiError? Stop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop))
        {
            return null;
        }

        return stop.ValueKind switch
        {
            JsonValueKind.String or JsonValueKind.Null => null,
            JsonValueKind.Array when stop.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => null,
            _ => JsonChecks.WrongType("stop", "a string or an array of strings", stop),
        };
    }

    private static ApiError? Tools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            return JsonChecks.WrongType("tools", "an array", tools);
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return JsonChecks.WrongType(at, "an object", tool);
            }

            if (tool.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function"
                && (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String))
            {
                return JsonChecks.Missing($"{at}.function.name");
            }
        }

        return null;
    }

    private static ApiError? ToolChoice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice))
        {
            return null;
        }

        return choice.ValueKind switch
        {
            JsonValueKind.String when choice.GetString() is "none" or "auto" or "required" => null,
            JsonValueKind.Object or JsonValueKind.Null => null,
            _ => ApiError.Invalid("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or an object.", "tool_choice"),
        };
    }

    private static (IReadOnlyDictionary<string, string>? Tags, ApiError? Error) Metadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return (null, JsonChecks.WrongType("metadata", "an object", metadata));
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in metadata.EnumerateObject())
        {
            if (member.Value.ValueKind != JsonValueKind.String)
            {
                return (null, JsonChecks.WrongType($"metadata.{member.Name}", "a string", member.Value));
            }

            if (tags.Count == 16 || member.Name.Length > 64 || member.Value.GetString()!.Length > 512)
            {
                return (null, ApiError.Invalid("Invalid 'metadata': at most 16 pairs, keys up to 64 and values up to 512 characters.", "metadata"));
            }

            tags[member.Name] = member.Value.GetString()!;
        }

        return (tags, null);
    }

    /// <summary><c>max_completion_tokens</c>, else <c>max_tokens</c> (both checked as positive integers above); null when neither is set.</summary>
    private static long? MaxOutputTokens(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var tokens))
            {
                return tokens;
            }
        }

        return null;
    }
}
