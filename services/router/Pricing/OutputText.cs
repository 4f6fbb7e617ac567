using System.Text;
using System.Text.Json;
using AiMesh.Router.Counting;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Estimates the output tokens of an answer the provider reported no usage for, from what the router relayed: the
/// text, reasoning and tool calls of the OpenAI-shaped chunks sent (or of the whole answer), counted with the
/// tokenizer of <see cref="TokenEstimator"/>. Runs only on that path, never for an answer that carries its usage.
/// </summary>
internal static class OutputText
{
    /// <summary>Streamed chunks (<c>chat.completion.chunk</c>): each choice's <c>delta</c>.</summary>
    public static long EstimateChunks(IReadOnlyList<string> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            Append(text, chunk, "delta");
        }

        return TokenEstimator.Count(text.ToString());
    }

    /// <summary>A whole answer (<c>chat.completion</c>): each choice's <c>message</c>.</summary>
    public static long EstimateAnswer(string body)
    {
        var text = new StringBuilder();
        Append(text, body, "message");
        return TokenEstimator.Count(text.ToString());
    }

    private static void Append(StringBuilder text, string json, string part)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty(part, out var message) && message.ValueKind == JsonValueKind.Object)
                {
                    AppendMessage(text, message);
                }
            }
        }
        catch (JsonException)
        {
            // A chunk the router relayed is the router's own JSON; should one not parse, it adds nothing to the estimate.
        }
    }

    private static void AppendMessage(StringBuilder text, JsonElement message)
    {
        AppendString(text, message, "content");
        AppendString(text, message, "reasoning_content");
        AppendString(text, message, "refusal");
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    AppendString(text, function, "name");
                    AppendString(text, function, "arguments");
                }
            }
        }
    }

    private static void AppendString(StringBuilder text, JsonElement element, string name)
    {
        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            text.Append(value.GetString());
        }
    }
}
