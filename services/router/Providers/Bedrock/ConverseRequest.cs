using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// An OpenAI chat completion request as a Bedrock Converse (or ConverseStream: same body) request. Every top-level
/// field is either translated, known to need nothing (its value is the default, or it is about the transport), or
/// reported in <see cref="ProviderCall.Unsupported"/>: an unknown field is never dropped quietly.
/// <para>
/// Provider-specific extras: a top-level <c>additionalModelRequestFields</c> object (Converse's own name) passes
/// through verbatim, so a client asks for model features Converse does not model (Claude's <c>thinking</c>,
/// <c>top_k</c>) explicitly; nothing is ever added there on the client's behalf. OpenAI's <c>metadata</c> becomes
/// Converse's <c>requestMetadata</c> (the same string map, for invocation logs).
/// </para>
/// </summary>
internal static class ConverseRequest
{
    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Body;
        var converse = new JsonObject();
        var inference = new JsonObject();
        ConverseMessages.Add(body["messages"], converse, call.Unsupported);
        ConverseTools.Add(body, converse, call.Unsupported);
        foreach (var (name, value) in body)
        {
            if (value is null)
            {
                continue;
            }

            switch (name)
            {
                case "model" or "messages" or "stream" or "stream_options" or "tools" or "tool_choice":
                    // The URL carries the model and the framing; tools are translated above.
                    break;
                case "max_tokens" when body["max_completion_tokens"] is null:
                case "max_completion_tokens":
                    inference["maxTokens"] = value.DeepClone();
                    break;
                case "max_tokens":
                    // max_completion_tokens replaced it and decides when both are sent.
                    break;
                case "temperature":
                    inference["temperature"] = value.DeepClone();
                    break;
                case "top_p":
                    inference["topP"] = value.DeepClone();
                    break;
                case "stop":
                    inference["stopSequences"] = value is JsonArray ? value.DeepClone() : new JsonArray(value.DeepClone());
                    break;
                case "metadata" when value is JsonObject:
                    converse["requestMetadata"] = value.DeepClone();
                    break;
                case "additionalModelRequestFields" when value is JsonObject:
                    converse["additionalModelRequestFields"] = value.DeepClone();
                    break;
                case "n" when IsNumber(value, 1):
                case "logprobs" or "store" when value.GetValueKind() == JsonValueKind.False:
                case "parallel_tool_calls" when value.GetValueKind() == JsonValueKind.True:
                case "frequency_penalty" or "presence_penalty" when IsNumber(value, 0):
                case "logit_bias" when value is JsonObject { Count: 0 }:
                case "response_format" when value is JsonObject format && JsonText.Of(format["type"]) == "text":
                    // The value asks for what Converse does anyway.
                    break;
                default:
                    // n > 1, logprobs, seed, penalties, response formats, user, reasoning_effort and anything unknown.
                    call.Unsupported.Add(name);
                    break;
            }
        }

        if (inference.Count > 0)
        {
            converse["inferenceConfig"] = inference;
        }

        // Each field once, in the order first met: the client's error names the first, the warning header lists them.
        var distinct = call.Unsupported.Distinct(StringComparer.Ordinal).ToArray();
        call.Unsupported.Clear();
        call.Unsupported.AddRange(distinct);
        return converse;
    }

    private static bool IsNumber(JsonNode value, double expected) =>
        value is JsonValue number && number.TryGetValue<double>(out var actual) && actual == expected;
}
