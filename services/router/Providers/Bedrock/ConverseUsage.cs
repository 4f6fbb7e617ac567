using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// Converse <c>usage</c> in OpenAI terms. Converse counts cache reads and writes apart from <c>inputTokens</c>
/// (as Anthropic does); OpenAI's <c>prompt_tokens</c> counts every prompt token, cached or not, so
/// prompt = input + cache read + cache write, and <c>cached_tokens</c> = cache read.
/// </summary>
internal static class ConverseUsage
{
    /// <returns>Null when <paramref name="parent"/> has no <c>usage</c> object.</returns>
    public static TokenUsage? Read(JsonElement parent)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var cacheRead = Int(usage, "cacheReadInputTokens");
        var prompt = (Int(usage, "inputTokens") ?? 0) + (cacheRead ?? 0) + (Int(usage, "cacheWriteInputTokens") ?? 0);
        return new TokenUsage(prompt, Int(usage, "outputTokens") ?? 0, cacheRead);
    }

    private static int? Int(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0
            ? number
            : null;
}
