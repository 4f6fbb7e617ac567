using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>
/// Writes OpenAI's <c>usage</c> object from a <see cref="TokenUsage"/>, for every adapter that translates another
/// provider's answer: each adapter maps its provider's counts into <see cref="TokenUsage"/> (what counts as a prompt
/// token differs per provider), and from there the JSON is the same, so it is written in one place.
/// <c>prompt_tokens_details.cached_tokens</c> is always written, as OpenAI does; <c>cache_creation_tokens</c> (not an
/// OpenAI member, ignored by its clients) only when the provider reports cache writes apart;
/// <c>completion_tokens_details.reasoning_tokens</c> only when the usage has a reasoning count.
/// </summary>
internal static class OpenAiUsageJson
{
    /// <summary>Writes the <c>"usage"</c> member of the object <paramref name="writer"/> is in.</summary>
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
        if (usage.CacheWriteTokens is { } written)
        {
            writer.WriteNumber("cache_creation_tokens", written);
        }

        writer.WriteEndObject();
        if (usage.ReasoningTokens is { } reasoning)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", reasoning);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
