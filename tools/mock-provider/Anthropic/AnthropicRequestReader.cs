using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// Reads a Messages API request and refuses what Anthropic refuses, with Anthropic's wording: unknown top-level
/// members ("Extra inputs are not permitted" — this is what catches an OpenAI field a gateway forgot to translate),
/// a missing <c>max_tokens</c>, a temperature above 1, a thinking budget not below <c>max_tokens</c>, and the message
/// rules <see cref="AnthropicPromptReader"/> checks.
/// </summary>
internal static class AnthropicRequestReader
{
    private static readonly HashSet<string> Members =
    [
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p", "top_k",
        "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management", "output_config",
    ];

    public static bool TryRead(ReadOnlyMemory<byte> body, out AnthropicMessageRequest request, out AnthropicError? error)
    {
        request = null!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = AnthropicError.BadRequest("There was an error parsing the body of your request: it is not valid JSON.");
            return false;
        }

        using (document)
        using (var prompt = new AnthropicPromptReader())
        {
            return TryRead(document.RootElement, prompt, out request, out error);
        }
    }

    private static bool TryRead(JsonElement root, AnthropicPromptReader prompt, out AnthropicMessageRequest request, out AnthropicError? error)
    {
        request = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = AnthropicError.BadRequest("The request body must be a JSON object.");
            return false;
        }

        foreach (var member in root.EnumerateObject())
        {
            if (!Members.Contains(member.Name))
            {
                error = AnthropicError.BadRequest($"{member.Name}: Extra inputs are not permitted");
                return false;
            }
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString()!.Length == 0)
        {
            error = AnthropicError.BadRequest("model: Field required");
            return false;
        }

        if (!root.TryGetProperty("max_tokens", out var max) || max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var maxTokens) || maxTokens < 1)
        {
            error = AnthropicError.BadRequest("max_tokens: Field required (an integer of at least 1)");
            return false;
        }

        if (!TryUnitInterval(root, "temperature", out error) || !TryUnitInterval(root, "top_p", out error)
            || !TryReadThinking(root, maxTokens, out var thinking, out error)
            || !TryReadStopSequences(root, out var stopSequences, out error)
            || !TryReadToolChoice(root, out var toolChoice, out var namedTool, out error)
            || (root.TryGetProperty("tools", out var tools) && !prompt.TryReadTools(tools, out error))
            || (root.TryGetProperty("system", out var system) && !prompt.TryReadSystem(system, out error))
            || !prompt.TryReadMessages(root.TryGetProperty("messages", out var messages) ? messages : default, out error))
        {
            return false;
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        request = new AnthropicMessageRequest(
            model.GetString()!, stream, maxTokens, Math.Max(1, prompt.Tokens), prompt.CachePrefixTokens, prompt.CachePrefixKey,
            prompt.LastUserText, prompt.FirstToolName, toolChoice, namedTool, thinking, stopSequences);
        return true;
    }

    private static bool TryUnitInterval(JsonElement root, string name, out AnthropicError? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var value))
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is < 0 or > 1)
        {
            error = AnthropicError.BadRequest($"{name}: Input should be less than or equal to 1");
            return false;
        }

        return true;
    }

    private static bool TryReadThinking(JsonElement root, int maxTokens, out bool thinking, out AnthropicError? error)
    {
        thinking = false;
        error = null;
        if (!root.TryGetProperty("thinking", out var config))
        {
            return true;
        }

        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("type", out var type))
        {
            error = AnthropicError.BadRequest("thinking: Input should be a valid dictionary");
            return false;
        }

        if (type.ValueEquals("disabled"))
        {
            return true;
        }

        if (type.ValueEquals("adaptive"))
        {
            thinking = true;
            return true;
        }

        if (!type.ValueEquals("enabled")
            || !config.TryGetProperty("budget_tokens", out var budget) || budget.ValueKind != JsonValueKind.Number
            || !budget.TryGetInt32(out var budgetTokens) || budgetTokens < 1024)
        {
            error = AnthropicError.BadRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
            return false;
        }

        if (budgetTokens >= maxTokens)
        {
            error = AnthropicError.BadRequest("`max_tokens` must be greater than `thinking.budget_tokens`.");
            return false;
        }

        thinking = true;
        return true;
    }

    private static bool TryReadStopSequences(JsonElement root, out IReadOnlyList<string> stopSequences, out AnthropicError? error)
    {
        stopSequences = [];
        error = null;
        if (!root.TryGetProperty("stop_sequences", out var value))
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
        {
            error = AnthropicError.BadRequest("stop_sequences: Input should be a valid list of strings");
            return false;
        }

        stopSequences = [.. value.EnumerateArray().Select(s => s.GetString()!)];
        return true;
    }

    private static bool TryReadToolChoice(JsonElement root, out ToolChoice choice, out string? named, out AnthropicError? error)
    {
        choice = ToolChoice.Auto;
        named = null;
        error = null;
        if (!root.TryGetProperty("tool_choice", out var value))
        {
            return true;
        }

        var type = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;
        switch (type)
        {
            case "auto":
                return true;
            case "any":
                choice = ToolChoice.Required;
                return true;
            case "none":
                choice = ToolChoice.None;
                return true;
            case "tool" when value.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                choice = ToolChoice.Named;
                named = name.GetString();
                return true;
            default:
                error = AnthropicError.BadRequest("tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
                return false;
        }
    }
}
