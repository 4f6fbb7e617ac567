using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// Reads a Converse request into the mock's <see cref="ChatRequest"/>, so the reply planner answers it as it answers
/// OpenAI's API, and refuses what Bedrock refuses (no messages, a role other than user or assistant, tool blocks
/// without a <c>toolConfig</c>) with its <c>ValidationException</c>.
/// </summary>
internal static class ConverseRequestReader
{
    public static bool TryRead(ReadOnlyMemory<byte> body, string modelId, bool stream, out ChatRequest request, out AwsError? error)
    {
        request = null!;
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = AwsError.Validation("Malformed input request, please reformat your input and try again.");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                error = AwsError.Validation("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must have length greater than or equal to 1");
                return false;
            }

            var promptTokens = 0;
            if (root.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.Array)
            {
                promptTokens += Words.Count(Text(system));
            }

            var lastUserText = "";
            var toolBlocks = false;
            foreach (var message in messages.EnumerateArray())
            {
                var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) ? r.GetString() : null;
                if (role is not ("user" or "assistant") || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
                {
                    error = AwsError.Validation("A message must have the role user or assistant and a content array.");
                    return false;
                }

                var text = Text(content);
                promptTokens += Words.Count(text);
                toolBlocks |= content.EnumerateArray().Any(b => b.ValueKind == JsonValueKind.Object && (b.TryGetProperty("toolUse", out _) || b.TryGetProperty("toolResult", out _)));
                if (role == "user")
                {
                    lastUserText = text;
                }
            }

            var (firstTool, choice, named) = Tools(root);
            if (toolBlocks && firstTool is null)
            {
                error = AwsError.Validation("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
                return false;
            }

            int? maxTokens = root.TryGetProperty("inferenceConfig", out var inference) && inference.ValueKind == JsonValueKind.Object
                && inference.TryGetProperty("maxTokens", out var max) && max.TryGetInt32(out var m) ? m : null;
            request = new ChatRequest(modelId, stream, IncludeUsage: false, Choices: 1, maxTokens, Math.Max(1, promptTokens), lastUserText,
                firstTool, choice, named, JsonMode: false);
            return true;
        }
    }

    private static (string? FirstTool, ToolChoice Choice, string? Named) Tools(JsonElement root)
    {
        if (!root.TryGetProperty("toolConfig", out var config) || config.ValueKind != JsonValueKind.Object
            || !config.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return (null, ToolChoice.Auto, null);
        }

        var first = tools[0].TryGetProperty("toolSpec", out var spec) && spec.TryGetProperty("name", out var name) ? name.GetString() : null;
        if (!config.TryGetProperty("toolChoice", out var choice) || choice.ValueKind != JsonValueKind.Object)
        {
            return (first, ToolChoice.Auto, null);
        }

        if (choice.TryGetProperty("tool", out var tool) && tool.TryGetProperty("name", out var named))
        {
            return (first, ToolChoice.Named, named.GetString());
        }

        return (first, choice.TryGetProperty("any", out _) ? ToolChoice.Required : ToolChoice.Auto, null);
    }

    /// <summary>The text blocks (and tool results' text) of a content array or system list, joined by spaces.</summary>
    private static string Text(JsonElement blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (block.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                text.Append(text.Length > 0 ? " " : "").Append(value.GetString());
            }
            else if (block.TryGetProperty("toolResult", out var result) && result.TryGetProperty("content", out var inner) && inner.ValueKind == JsonValueKind.Array)
            {
                text.Append(text.Length > 0 ? " " : "").Append(Text(inner));
            }
        }

        return text.ToString();
    }
}
