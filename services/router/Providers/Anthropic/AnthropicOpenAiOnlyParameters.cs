using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// OpenAI chat parameters the Messages API has no equivalent for. Each is left out of the upstream request; it is
/// reported in <see cref="ProviderCall.Unsupported"/> unless its value asks for nothing (<c>n: 1</c>,
/// <c>logprobs: false</c>, a zero penalty, <c>null</c>), since leaving such a value out changes nothing.
/// </summary>
internal static class AnthropicOpenAiOnlyParameters
{
    /// <returns>False when <paramref name="name"/> is not one of them (the caller translates or passes it).</returns>
    public static bool IsOpenAiOnly(string name, JsonNode? value, out bool asksForNothing)
    {
        asksForNothing = value is null;
        switch (name)
        {
            case "n":
                asksForNothing |= JsonNodes.IsNumber(value, 1);
                return true;
            case "logprobs" or "store":
                asksForNothing |= JsonNodes.IsFalse(value);
                return true;
            case "top_logprobs" or "presence_penalty" or "frequency_penalty":
                asksForNothing |= JsonNodes.IsNumber(value, 0);
                return true;
            case "logit_bias":
                asksForNothing |= value is JsonObject { Count: 0 };
                return true;
            case "modalities":
                asksForNothing |= value is JsonArray { Count: 1 } only && JsonNodes.String(only[0]) == "text";
                return true;
            case "service_tier":
                // "auto" means the same to both; "standard_only" is Anthropic's own value. OpenAI's tiers are not Anthropic's.
                return JsonNodes.String(value) is not ("auto" or "standard_only");
            case "seed" or "audio" or "prediction" or "reasoning_effort" or "web_search_options" or "verbosity"
                or "prompt_cache_key" or "functions" or "function_call":
                return true;
            default:
                return false;
        }
    }
}
