using System.Text.Json;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The mesh's OpenAI <c>usage</c> as Anthropic's. OpenAI's <c>prompt_tokens</c> counts every input token, with those
/// read from the prompt cache also in <c>prompt_tokens_details.cached_tokens</c> and those written to it (Anthropic
/// and Bedrock report them) in <c>prompt_tokens_details.cache_creation_tokens</c>; Anthropic's <c>input_tokens</c>
/// counts only the rest. So <c>input_tokens = prompt − cached − written</c>, <c>cache_read_input_tokens = cached</c>,
/// <c>cache_creation_input_tokens = written</c>, <c>output_tokens = completion_tokens</c>: the same totals either way.
/// </summary>
internal readonly record struct AnthropicUsage(long Prompt, long Completion, long Cached, long Written)
{
    public long Input => Math.Max(0, Prompt - Cached - Written);

    /// <summary>Reads OpenAI's <c>usage</c> object; absent or malformed counts are zero.</summary>
    public static AnthropicUsage Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        var details = usage.TryGetProperty("prompt_tokens_details", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        return new AnthropicUsage(Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"), Count(details, "cached_tokens"), Count(details, "cache_creation_tokens"));
    }

    /// <summary>Writes the <c>"usage"</c> member of the object <paramref name="json"/> is in.</summary>
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", Input);
        json.WriteNumber("cache_creation_input_tokens", Written);
        json.WriteNumber("cache_read_input_tokens", Cached);
        json.WriteNumber("output_tokens", Completion);
        json.WriteEndObject();
    }

    private static long Count(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var n) && n >= 0 ? n : 0;
}
