using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Chat;

/// <summary>
/// Reads a chat completion request with <see cref="JsonDocument"/> (pooled, no reflection) and checks what a
/// real provider would reject, so gateway tests see the same 400s they would see in production.
/// </summary>
internal static class ChatRequestReader
{
    public static bool TryRead(ReadOnlyMemory<byte> body, out ChatRequest request, out OpenAiError? error)
    {
        request = null!;
        if (!RequestJson.TryOpen(body, out var document, out var modelName, out error))
        {
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, modelName, out request, out error);
        }
    }

    private static bool TryRead(JsonElement root, string modelName, out ChatRequest request, out OpenAiError? error)
    {
        request = null!;
        error = null;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = OpenAiError.MissingParameter("messages");
            return false;
        }

        if (messages.GetArrayLength() == 0)
        {
            error = OpenAiError.InvalidValue("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
            return false;
        }

        if (!TryReadMessages(messages, out var promptTokens, out var lastUserText, out error)
            || !TryReadPositiveInt(root, "n", 1, 128, out var choices, out error)
            || !TryReadMaxTokens(root, out var maxTokens, out error)
            || !TryReadTools(root, out var firstTool, out var toolChoice, out var namedTool, out error))
        {
            return false;
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        var jsonMode = root.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object
            && rf.TryGetProperty("type", out var rft) && (rft.ValueEquals("json_object") || rft.ValueEquals("json_schema"));

        request = new ChatRequest(modelName, stream, includeUsage, choices ?? 1, maxTokens, Math.Max(1, promptTokens),
            lastUserText, firstTool, toolChoice, namedTool, jsonMode);
        return true;
    }

    private static bool TryReadMessages(JsonElement messages, out int promptTokens, out string lastUserText, out OpenAiError? error)
    {
        promptTokens = 0;
        lastUserText = "";
        error = null;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                error = OpenAiError.InvalidValue($"messages[{index}]", $"Invalid 'messages[{index}]': expected an object with a 'role'.");
                return false;
            }

            var text = message.TryGetProperty("content", out var content) ? TextOf(content) : "";
            promptTokens += Words.Count(text);
            if (role.ValueEquals("user"))
            {
                lastUserText = text;
            }

            index++;
        }

        return true;
    }

    /// <summary>Content is a string or an array of parts; only text parts count (images and audio are not words).</summary>
    private static string TextOf(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? "";
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type", out var type) && type.ValueEquals("text")
                && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                if (text.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(value.GetString());
            }
        }

        return text.ToString();
    }

    private static bool TryReadMaxTokens(JsonElement root, out int? maxTokens, out OpenAiError? error)
    {
        // max_completion_tokens replaced max_tokens; when both are sent the newer one decides.
        if (!TryReadPositiveInt(root, "max_completion_tokens", 1, int.MaxValue, out maxTokens, out error))
        {
            return false;
        }

        return maxTokens is not null || TryReadPositiveInt(root, "max_tokens", 1, int.MaxValue, out maxTokens, out error);
    }

    private static bool TryReadPositiveInt(JsonElement root, string name, int min, int max, out int? value, out OpenAiError? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var n) || n < min || n > max)
        {
            error = OpenAiError.InvalidValue(name, $"Invalid '{name}': expected an integer from {min} to {max}.");
            return false;
        }

        value = n;
        return true;
    }

    private static bool TryReadTools(JsonElement root, out string? firstTool, out ToolChoice choice, out string? named, out OpenAiError? error)
    {
        firstTool = null;
        choice = ToolChoice.Auto;
        named = null;
        error = null;
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                firstTool = FunctionName(tool);
                break;
            }
        }

        if (!root.TryGetProperty("tool_choice", out var tc) || tc.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (tc.ValueKind == JsonValueKind.String)
        {
            if (tc.ValueEquals("auto"))
            {
                return true;
            }

            if (tc.ValueEquals("none") || tc.ValueEquals("required"))
            {
                choice = tc.ValueEquals("none") ? ToolChoice.None : ToolChoice.Required;
                return true;
            }
        }
        else if (tc.ValueKind == JsonValueKind.Object)
        {
            named = FunctionName(tc);
            choice = named is null ? ToolChoice.Auto : ToolChoice.Named;
            return true;
        }

        error = OpenAiError.InvalidValue("tool_choice", "Invalid 'tool_choice': expected 'none', 'auto', 'required' or an object naming a function.");
        return false;
    }

    /// <summary>The name in <c>{"type":"function","function":{"name":...}}</c>, the shape of both a tool and a named tool choice.</summary>
    private static string? FunctionName(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
        && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
}
