using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// OpenAI embeddings through Bedrock InvokeModel, in the body shape of the deployment's model family:
/// <list type="bullet">
/// <item>Amazon Titan Text Embeddings (<c>amazon.titan-embed-text-v2:0</c>, the default): <c>{"inputText","dimensions"}</c>
/// in, <c>{"embedding","inputTextTokenCount"}</c> out. Titan embeds one text per call, so an <c>input</c> of several
/// texts, or of token ids, is unsupported.</item>
/// <item>Cohere Embed on Bedrock (an upstream model containing <c>cohere.embed</c>): <c>{"texts","input_type"}</c> in,
/// <c>{"embeddings"}</c> out. <c>input_type</c> is Cohere's and required: the client's own <c>input_type</c> field
/// when it sends one, else <c>search_document</c>. Cohere reports no token count in the body (only in a header),
/// so usage is estimated (four characters a token) and marked so.</item>
/// </list>
/// <c>encoding_format: "base64"</c> is honoured by encoding the floats as OpenAI does (little-endian float32).
/// </summary>
internal static class BedrockEmbeddings
{
    public static bool IsCohere(string upstreamModel) => upstreamModel.Contains("cohere.embed", StringComparison.OrdinalIgnoreCase);

    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var cohere = IsCohere(call.Deployment.UpstreamModel);
        var texts = OpenAiEmbeddingsJson.Texts(call.Body["input"]);
        var request = new JsonObject();
        if (cohere)
        {
            request["texts"] = new JsonArray([.. (texts ?? []).Select(t => JsonValue.Create(t))]);
            request["input_type"] = call.Body["input_type"]?.DeepClone() ?? "search_document";
        }
        else if (texts is [var text])
        {
            request["inputText"] = text;
        }

        if (texts is null || (!cohere && texts.Count != 1))
        {
            call.Unsupported.Add("input");
        }

        foreach (var (name, value) in call.Body)
        {
            switch (name)
            {
                case "model" or "input" or "encoding_format":
                    break;
                case "input_type" when cohere:
                    break;
                case "dimensions" when !cohere && value is not null:
                    request["dimensions"] = value.DeepClone();
                    break;
                default:
                    if (value is not null)
                    {
                        call.Unsupported.Add(name);
                    }

                    break;
            }
        }

        return request;
    }

    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        var base64 = JsonText.Of(call.Body["encoding_format"]) == "base64";
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ProviderResponse.Invalid;
            }

            JsonElement[] vectors;
            TokenUsage usage;
            if (IsCohere(call.Deployment.UpstreamModel))
            {
                if (!root.TryGetProperty("embeddings", out var embeddings) || embeddings.ValueKind != JsonValueKind.Array)
                {
                    return ProviderResponse.Invalid;
                }

                vectors = [.. embeddings.EnumerateArray()];
                var characters = OpenAiEmbeddingsJson.Texts(call.Body["input"])?.Sum(t => t.Length) ?? 0;
                usage = new TokenUsage(Math.Max(1, (characters + 3) / 4), 0, Estimated: true);
            }
            else
            {
                if (!root.TryGetProperty("embedding", out var embedding)
                    || !root.TryGetProperty("inputTextTokenCount", out var count) || !count.TryGetInt32(out var tokens))
                {
                    return ProviderResponse.Invalid;
                }

                vectors = [embedding];
                usage = new TokenUsage(tokens, 0);
            }

            var json = Write(vectors, base64, call.Deployment.Model, usage);
            return json is null ? ProviderResponse.Invalid : new ProviderResponse(json, usage);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return ProviderResponse.Invalid;
        }
    }

    /// <returns>Null when a vector is not an array of finite numbers.</returns>
    private static string? Write(JsonElement[] vectors, bool base64, string model, TokenUsage usage) =>
        OpenAiEmbeddingsJson.Write(model, (vectors, base64), vectors.Length, static (w, read, i) => OpenAiEmbeddingsJson.WriteFloats(w, read.vectors[i], read.base64), usage);
}
