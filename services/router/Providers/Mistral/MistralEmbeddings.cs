using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// OpenAI embeddings through Mistral's <c>POST /v1/embeddings</c>: <c>input</c> (a string or strings) as it is,
/// <c>dimensions</c> as <c>output_dimension</c>; <c>encoding_format: "base64"</c> is honoured by the router (Mistral
/// sends floats, encoded here as OpenAI encodes them). Token-id inputs, <c>user</c> and other members with a value are
/// unsupported. The answer is OpenAI's list with the client's model name and Mistral's <c>prompt_tokens</c>.
/// </summary>
internal static class MistralEmbeddings
{
    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = new JsonObject { ["model"] = call.Deployment.UpstreamModel };
        foreach (var (name, value) in call.Body)
        {
            if (value is null || value.GetValueKind() == JsonValueKind.Null)
            {
                continue;
            }

            switch (name)
            {
                case "model":
                    break;
                case "input":
                    if (!IsText(value))
                    {
                        JsonNodes.AddOnce(call.Unsupported, "input");
                    }

                    body["input"] = value.DeepClone();
                    break;
                case "dimensions":
                    body["output_dimension"] = value.DeepClone();
                    break;
                case "encoding_format" when JsonNodes.String(value) is "float" or "base64":
                    break;
                default:
                    JsonNodes.AddOnce(call.Unsupported, name);
                    break;
            }
        }

        return body;
    }

    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        var base64 = JsonNodes.String(call.Body["encoding_format"]) == "base64";
        return ProviderJson.Read(body, (call.Deployment.Model, base64), static (state, root) => Read(root, state.Model, state.base64), ProviderResponse.Invalid);
    }

    private static ProviderResponse Read(JsonElement root, string model, bool base64)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return ProviderResponse.Invalid;
        }

        var vectors = new JsonElement[data.GetArrayLength()];
        foreach (var item in data.EnumerateArray())
        {
            // Each vector goes to the place its index names, so the answer is in input order whatever Mistral's order.
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("embedding", out var embedding)
                || !item.TryGetProperty("index", out var index) || !index.TryGetInt32(out var at)
                || at < 0 || at >= vectors.Length || vectors[at].ValueKind != JsonValueKind.Undefined)
            {
                return ProviderResponse.Invalid;
            }

            vectors[at] = embedding;
        }

        var usage = OpenAiUsage.Read(root) ?? new TokenUsage(0, 0, Estimated: true);
        usage = usage with { CompletionTokens = 0 };
        var answer = OpenAiEmbeddingsJson.Write(model, (vectors, base64), vectors.Length,
            static (writer, state, i) => OpenAiEmbeddingsJson.WriteFloats(writer, state.vectors[i], state.base64), usage);
        return answer is null ? ProviderResponse.Invalid : new ProviderResponse(answer, usage);
    }

    private static bool IsText(JsonNode input) =>
        JsonNodes.String(input) is not null
        || (input is JsonArray items && items.Count > 0 && items.All(item => JsonNodes.String(item) is not null));
}
