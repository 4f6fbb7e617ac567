using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace AiMesh.Router.Counting;

/// <summary>
/// Estimates the input tokens of a canonical (OpenAI-shaped) chat request, for <c>count_tokens</c> where the provider
/// cannot count. The method: the o200k_base tokenizer (GPT-4o's; Claude's own tokenizer is not public, and for English
/// text and code the two differ by some ten percent) over every text the model reads — system and message text,
/// tool call names and arguments, tool results, thinking text, and each tool's name, description and JSON schema —
/// plus fixed overheads: 3 tokens per message and 3 to prime the reply (OpenAI's published chat overhead), 346 when
/// tools are offered (the tool-use system prompt Anthropic documents for its models), and a flat 1,600 per image or
/// PDF (Anthropic's cost of an image at its largest size, about 1.15 megapixels; the bytes are not decoded). An
/// estimate, and marked as one (<see cref="AiMesh.Contracts.Routing.TokensCounted.Estimated"/>).
/// </summary>
internal static class TokenEstimator
{
    public const int PerMessage = 3;
    public const int ReplyPriming = 3;
    public const int ToolUseSystemPrompt = 346;
    public const int PerImageOrDocument = 1600;

    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static long Estimate(JsonObject request)
    {
        long tokens = ReplyPriming;
        if (request["messages"] is JsonArray messages)
        {
            foreach (var message in messages.OfType<JsonObject>())
            {
                tokens += PerMessage + Content(message["content"]);
                if (message["tool_calls"] is JsonArray calls)
                {
                    foreach (var call in calls.OfType<JsonObject>())
                    {
                        tokens += Text(call["function"]?["name"]) + Text(call["function"]?["arguments"]);
                    }
                }

                if (message["thinking_blocks"] is JsonArray thinking)
                {
                    tokens += thinking.OfType<JsonObject>().Sum(block => Text(block["thinking"]));
                }
            }
        }

        if (request["tools"] is JsonArray { Count: > 0 } tools)
        {
            tokens += ToolUseSystemPrompt;
            foreach (var tool in tools.OfType<JsonObject>())
            {
                var function = tool["function"] as JsonObject ?? tool;
                tokens += Text(function["name"]) + Text(function["description"]) + Count((function["parameters"] ?? function["input_schema"])?.ToJsonString());
            }
        }

        return tokens;
    }

    private static long Content(JsonNode? content)
    {
        if (content is not JsonArray parts)
        {
            return Text(content);
        }

        long tokens = 0;
        foreach (var part in parts.OfType<JsonObject>())
        {
            tokens += part["type"]?.GetValue<string>() switch
            {
                "text" => Text(part["text"]),
                "image_url" or "file" or "image" or "document" => PerImageOrDocument,
                _ => Count(part.ToJsonString()),
            };
        }

        return tokens;
    }

    private static long Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? Count(value.GetValue<string>()) : 0;

    /// <summary>The o200k_base tokens of <paramref name="text"/> alone, without any overhead.</summary>
    public static long Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text);

    /// <summary>Images and documents in the request's messages, for prices charged per image.</summary>
    public static int Images(JsonObject request) =>
        request["messages"] is JsonArray messages
            ? messages.OfType<JsonObject>()
                .Select(m => m["content"]).OfType<JsonArray>()
                .Sum(parts => parts.OfType<JsonObject>().Count(p => p["type"]?.GetValueKind() == JsonValueKind.String
                    && p["type"]!.GetValue<string>() is "image_url" or "image"))
            : 0;
}
