using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// Walks a request's tools, system prompt and messages in Anthropic's cache order, refusing what Anthropic refuses
/// (so a gateway's translation mistakes fail here as they would in production), counting words, finding the prefix
/// up to the last <c>cache_control</c> breakpoint, and keeping the last user text the reply is planned from.
/// </summary>
internal sealed class AnthropicPromptReader : IDisposable
{
    private readonly IncrementalHash _prefix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public int Tokens { get; private set; }

    public int CachePrefixTokens { get; private set; }

    public string? CachePrefixKey { get; private set; }

    public string LastUserText { get; private set; } = "";

    public string? FirstToolName { get; private set; }

    public bool TryReadTools(JsonElement tools, out AnthropicError? error)
    {
        error = null;
        if (tools.ValueKind != JsonValueKind.Array)
        {
            error = AnthropicError.BadRequest("tools: Input should be a valid list");
            return false;
        }

        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !TryString(tool, "name", out var name))
            {
                error = AnthropicError.BadRequest($"tools.{index}.name: Field required");
                return false;
            }

            var custom = !tool.TryGetProperty("type", out var type) || type.ValueEquals("custom");
            if (custom && (!tool.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object))
            {
                error = AnthropicError.BadRequest($"tools.{index}.custom.input_schema: Field required");
                return false;
            }

            FirstToolName ??= name;
            AddText(name);
            if (TryString(tool, "description", out var description))
            {
                AddText(description);
            }

            MarkIfCached(tool);
            index++;
        }

        return true;
    }

    public bool TryReadSystem(JsonElement system, out AnthropicError? error)
    {
        error = null;
        if (system.ValueKind == JsonValueKind.String)
        {
            AddText(system.GetString()!);
            return true;
        }

        if (system.ValueKind != JsonValueKind.Array)
        {
            error = AnthropicError.BadRequest("system: Input should be a valid string or list");
            return false;
        }

        var index = 0;
        foreach (var block in system.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type) || !type.ValueEquals("text")
                || !TryString(block, "text", out var text))
            {
                error = AnthropicError.BadRequest($"system.{index}: Input should be a text block");
                return false;
            }

            if (text.Length == 0)
            {
                error = AnthropicError.BadRequest("system: text content blocks must be non-empty");
                return false;
            }

            AddText(text);
            MarkIfCached(block);
            index++;
        }

        return true;
    }

    public bool TryReadMessages(JsonElement messages, out AnthropicError? error)
    {
        error = null;
        if (messages.ValueKind != JsonValueKind.Array)
        {
            error = AnthropicError.BadRequest("messages: Field required");
            return false;
        }

        var count = messages.GetArrayLength();
        if (count == 0)
        {
            error = AnthropicError.BadRequest("messages: at least one message is required");
            return false;
        }

        HashSet<string> openToolUses = [];
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (!TryReadMessage(message, index, index == count - 1, ref openToolUses, out error))
            {
                return false;
            }

            index++;
        }

        return true;
    }

    public void Dispose() => _prefix.Dispose();

    /// <summary>Reads one message; <paramref name="openToolUses"/> holds the tool uses of the previous message, which this one must answer.</summary>
    private bool TryReadMessage(JsonElement message, int index, bool last, ref HashSet<string> openToolUses, out AnthropicError? error)
    {
        error = null;
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role)
            || !(role.ValueEquals("user") || role.ValueEquals("assistant")))
        {
            error = AnthropicError.BadRequest($"messages.{index}.role: Input should be 'user' or 'assistant'");
            return false;
        }

        var user = role.ValueEquals("user");
        if (!message.TryGetProperty("content", out var content))
        {
            error = AnthropicError.BadRequest($"messages.{index}.content: Field required");
            return false;
        }

        var empty = content.ValueKind == JsonValueKind.String ? content.GetString()!.Length == 0
            : content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0;
        if (empty && !(last && !user))
        {
            error = AnthropicError.BadRequest($"messages.{index}: all messages must have non-empty content except for the optional final assistant message");
            return false;
        }

        var answered = new HashSet<string>(StringComparer.Ordinal);
        var toolUses = new HashSet<string>(StringComparer.Ordinal);
        var userText = new StringBuilder();
        if (content.ValueKind == JsonValueKind.String)
        {
            AddText(content.GetString()!);
            userText.Append(content.GetString());
        }
        else
        {
            var blockIndex = 0;
            foreach (var block in content.EnumerateArray())
            {
                var at = $"messages.{index}.content.{blockIndex}";
                if (!TryReadBlock(block, at, user, openToolUses, answered, toolUses, userText, out error))
                {
                    return false;
                }

                blockIndex++;
            }
        }

        if (openToolUses.Count > 0 && (!user || !openToolUses.IsSubsetOf(answered)))
        {
            var missing = string.Join(", ", openToolUses.Where(id => !answered.Contains(id)).Order(StringComparer.Ordinal));
            error = AnthropicError.BadRequest(
                $"messages.{index - 1}: `tool_use` ids were found without `tool_result` blocks immediately after: {missing}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
            return false;
        }

        if (user)
        {
            LastUserText = userText.ToString();
        }

        openToolUses = toolUses;
        return true;
    }

    private bool TryReadBlock(
        JsonElement block, string at, bool user, HashSet<string> openToolUses, HashSet<string> answered, HashSet<string> toolUses,
        StringBuilder userText, out AnthropicError? error)
    {
        error = null;
        if (block.ValueKind != JsonValueKind.Object || !TryString(block, "type", out var type))
        {
            error = AnthropicError.BadRequest($"{at}: Input should be a valid dictionary");
            return false;
        }

        switch (type)
        {
            case "text":
                if (!TryString(block, "text", out var text) || text.Length == 0)
                {
                    error = AnthropicError.BadRequest("messages: text content blocks must be non-empty");
                    return false;
                }

                AddText(text);
                if (userText.Length > 0)
                {
                    userText.Append(' ');
                }

                userText.Append(text);
                break;
            case "image":
                if (!IsImageSource(block))
                {
                    error = AnthropicError.BadRequest($"{at}.image.source: Input should be a base64 source with a supported media_type, or a url source");
                    return false;
                }

                break;
            case "tool_use":
                if (user || !TryString(block, "id", out var id) || !TryString(block, "name", out _)
                    || !block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                {
                    error = AnthropicError.BadRequest($"{at}.tool_use.input: Input should be a valid dictionary");
                    return false;
                }

                AddText(input.GetRawText());
                toolUses.Add(id);
                break;
            case "tool_result":
                if (!user || !TryString(block, "tool_use_id", out var useId) || !openToolUses.Contains(useId))
                {
                    error = AnthropicError.BadRequest(
                        $"{at}: unexpected `tool_use_id` found in `tool_result` blocks. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
                    return false;
                }

                answered.Add(useId);
                AddResultText(block);
                break;
            case "thinking":
                if (user || !TryString(block, "signature", out var signature) || signature.Length == 0)
                {
                    error = AnthropicError.BadRequest($"{at}.thinking.signature: Field required");
                    return false;
                }

                break;
            default:
                // Documents, redacted thinking, search results: accepted as they are.
                break;
        }

        MarkIfCached(block);
        return true;
    }

    private void AddResultText(JsonElement toolResult)
    {
        if (!toolResult.TryGetProperty("content", out var content))
        {
            return;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            AddText(content.GetString()!);
            return;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && TryString(part, "text", out var text))
                {
                    AddText(text);
                }
            }
        }
    }

    private static bool IsImageSource(JsonElement image)
    {
        if (!image.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object || !TryString(source, "type", out var type))
        {
            return false;
        }

        return type switch
        {
            "base64" => TryString(source, "media_type", out var media) && media is "image/jpeg" or "image/png" or "image/gif" or "image/webp"
                && TryString(source, "data", out var data) && data.Length > 0,
            "url" => TryString(source, "url", out var url) && Uri.TryCreate(url, UriKind.Absolute, out _),
            _ => false,
        };
    }

    private void AddText(string text)
    {
        Tokens += Words.Count(text);
        _prefix.AppendData(Encoding.UTF8.GetBytes(text));
        _prefix.AppendData("\n"u8);
    }

    private void MarkIfCached(JsonElement block)
    {
        if (block.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind == JsonValueKind.Object)
        {
            CachePrefixTokens = Tokens;
            CachePrefixKey = Convert.ToHexString(_prefix.GetCurrentHash()) + ":" + Tokens.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static bool TryString(JsonElement parent, string name, out string value)
    {
        value = "";
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString()!;
        return true;
    }
}
