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
}
