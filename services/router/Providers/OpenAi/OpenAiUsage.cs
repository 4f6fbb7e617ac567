using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.OpenAi;

/// <summary>Reads the OpenAI <c>usage</c> object of an answer or chunk.</summary>
internal static class OpenAiUsage
{
    /// <returns>Null when <paramref name="root"/> carries no usage object (also for <c>"usage": null</c>).</returns>
    public static TokenUsage? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new TokenUsage(
            Int(usage, "prompt_tokens") ?? 0,
            Int(usage, "completion_tokens") ?? 0,
            Nested(usage, "prompt_tokens_details", "cached_tokens"),
            Nested(usage, "completion_tokens_details", "reasoning_tokens"));
    }

    private static int? Nested(JsonElement usage, string details, string name) =>
        usage.TryGetProperty(details, out var inner) && inner.ValueKind == JsonValueKind.Object ? Int(inner, name) : null;

    private static int? Int(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
