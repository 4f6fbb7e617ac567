using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>
/// Writes OpenAI's <c>usage</c> object from a <see cref="TokenUsage"/>, for every adapter that translates another
/// provider's answer: each adapter maps its provider's counts into <see cref="TokenUsage"/> (what counts as a prompt
/// token differs per provider), and from there the JSON is the same, so it is written in one place, with exactly the
/// members OpenAI sends: <c>prompt_tokens_details</c> {<c>cached_tokens</c>, <c>audio_tokens</c>} and
/// <c>completion_tokens_details</c> {<c>reasoning_tokens</c>, <c>audio_tokens</c>, <c>accepted_prediction_tokens</c>,
/// <c>rejected_prediction_tokens</c>}, zero where the provider has no such count. A client that reads one provider's
/// usage reads every provider's. One addition, only when the provider reported it: <c>prompt_tokens_details.
/// cache_creation_tokens</c>, the tokens written to a prompt cache (Anthropic, Bedrock), which OpenAI has no member for.
/// They are part of <c>prompt_tokens</c> (what a client is billed for), OpenAI clients ignore the member, and the
/// ingress's Anthropic surface needs it to split <c>prompt_tokens</c> back into Anthropic's three input counts.
/// </summary>
internal static class OpenAiUsageJson
{
    /// <summary>Writes the <c>"usage"</c> member of the object <paramref name="writer"/> is in.</summary>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(usage);
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        writer.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        writer.WriteNumber("total_tokens"u8, (long)usage.PromptTokens + usage.CompletionTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedTokens ?? 0);
        writer.WriteNumber("audio_tokens"u8, 0);
        if (usage.CacheWriteTokens is > 0 and var written)
        {
            writer.WriteNumber("cache_creation_tokens"u8, written);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens ?? 0);
        writer.WriteNumber("audio_tokens"u8, 0);
        writer.WriteNumber("accepted_prediction_tokens"u8, 0);
        writer.WriteNumber("rejected_prediction_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
