using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Gemini's <c>usageMetadata</c> as OpenAI usage. OpenAI counts reasoning inside <c>completion_tokens</c>, Gemini
/// counts thoughts apart from <c>candidatesTokenCount</c>, so the two are added; tokens of tool-use prompts are
/// prompt tokens. Cached tokens are part of the prompt in both.
/// </summary>
internal static class GeminiUsage
{
    /// <returns>Null when <paramref name="root"/> carries no usage.</returns>
    public static TokenUsage? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usageMetadata", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var thoughts = GeminiJson.Int(usage, "thoughtsTokenCount");
        return new TokenUsage(
            (GeminiJson.Int(usage, "promptTokenCount") ?? 0) + (GeminiJson.Int(usage, "toolUsePromptTokenCount") ?? 0),
            (GeminiJson.Int(usage, "candidatesTokenCount") ?? 0) + (thoughts ?? 0),
            GeminiJson.Int(usage, "cachedContentTokenCount"),
            thoughts);
    }

    /// <summary>Writes <c>"usage": {...}</c> as OpenAI does, details included.</summary>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(usage);
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.PromptTokens);
        writer.WriteNumber("completion_tokens", usage.CompletionTokens);
        writer.WriteNumber("total_tokens", (long)usage.PromptTokens + usage.CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CachedTokens ?? 0);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens ?? 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
