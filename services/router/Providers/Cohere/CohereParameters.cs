using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// What becomes of a client's chat parameter that <see cref="CohereChatRequest"/> does not translate itself. OpenAI
/// parameters Cohere's v2 chat has no equivalent for are unsupported, unless their value asks for nothing (<c>n: 1</c>,
/// <c>logprobs: false</c>, <c>null</c>…). Cohere does have <c>logprobs</c>, but answers them in its own shape, which
/// would reach an OpenAI client as nothing it can read. End-user ids and caching hints (<c>user</c>,
/// <c>safety_identifier</c>, <c>prompt_cache_key</c>, <c>metadata</c>) change nothing in the answer and are dropped.
/// </summary>
internal static class CohereParameters
{
    public enum Verdict
    {
        /// <summary>Sent as it is: Cohere has the same name and meaning, or it is no OpenAI parameter (Cohere's own).</summary>
        Pass,

        /// <summary>Left out: its value asks for nothing, or it cannot change the answer.</summary>
        Drop,

        /// <summary>Left out and reported in <see cref="ProviderCall.Unsupported"/>.</summary>
        Unsupported,
    }

    public static Verdict Judge(string name, JsonNode? value)
    {
        if (value is null)
        {
            return Verdict.Drop;
        }

        return name switch
        {
            "temperature" or "seed" or "frequency_penalty" or "presence_penalty" => Verdict.Pass,
            "user" or "safety_identifier" or "prompt_cache_key" or "metadata" => Verdict.Drop,
            "n" => Unless(JsonNodes.IsNumber(value, 1)),
            "logprobs" or "store" => Unless(JsonNodes.IsFalse(value)),
            "top_logprobs" => Unless(JsonNodes.IsNumber(value, 0)),
            "logit_bias" => Unless(value is JsonObject { Count: 0 }),
            "modalities" => Unless(value is JsonArray { Count: 1 } only && JsonNodes.String(only[0]) == "text"),
            "service_tier" => Unless(JsonNodes.String(value) is "auto" or "default"),
            "reasoning_effort" or "audio" or "prediction" or "web_search_options" or "verbosity" or "functions" or "function_call" => Verdict.Unsupported,
            _ => Verdict.Pass,
        };
    }

    private static Verdict Unless(bool asksForNothing) => asksForNothing ? Verdict.Drop : Verdict.Unsupported;
}
