using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// OpenAI embeddings through Cohere's <c>POST /v2/embed</c>: <c>input</c> (a text or a list of texts; token ids have no
/// Cohere equivalent) as <c>texts</c>, <c>dimensions</c> as <c>output_dimension</c> (embed v4 and later), always
/// <c>embedding_types: ["float"]</c>. Cohere requires an <c>input_type</c>, which OpenAI's API has no field for: the
/// client's own <c>input_type</c> member when it sends one (<c>search_query</c> for queries, <c>classification</c>,
/// <c>clustering</c>), else <c>search_document</c>, since an OpenAI client embedding without saying what for is most
/// often building an index. Cohere's own <c>truncate</c> passes as it is. <c>encoding_format: "base64"</c> is honoured
/// by the adapter (Cohere returns floats). Usage is <c>meta.billed_units.input_tokens</c> (estimated when missing).
/// </summary>
internal static class CohereEmbeddings
{
    public const string DefaultInputType = "search_document";

    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var texts = OpenAiEmbeddingsJson.Texts(call.Body["input"]);
        if (texts is null)
        {
            JsonNodes.AddOnce(call.Unsupported, "input");
        }

        var request = new JsonObject
        {
            ["model"] = call.Deployment.UpstreamModel,
            ["texts"] = new JsonArray([.. (texts ?? []).Select(t => JsonValue.Create(t))]),
            ["input_type"] = call.Body["input_type"]?.DeepClone() ?? DefaultInputType,
            ["embedding_types"] = new JsonArray("float"),
        };
        foreach (var (name, value) in call.Body)
        {
            switch (name)
            {
                case "model" or "input" or "input_type" or "user":
                    break;
                case "encoding_format" when JsonNodes.String(value) is null or "float" or "base64":
                    break;
                case "dimensions" when value is not null:
                    request["output_dimension"] = value.DeepClone();
                    break;
                case "truncate" when value is not null:
                    request["truncate"] = value.DeepClone();
                    break;
                default:
                    if (value is not null)
                    {
                        JsonNodes.AddOnce(call.Unsupported, name);
                    }

                    break;
            }
        }

        return request;
    }

    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ProviderJson.Read(body, call, static (call, root) => Read(call, root), ProviderResponse.Invalid);
    }

    private static ProviderResponse Read(ProviderCall call, JsonElement root)
    {
        var expected = OpenAiEmbeddingsJson.Texts(call.Body["input"])?.Count;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("embeddings", out var embeddings) || embeddings.ValueKind != JsonValueKind.Object
            || !embeddings.TryGetProperty("float", out var floats) || floats.ValueKind != JsonValueKind.Array
            || floats.GetArrayLength() != expected)
        {
            return ProviderResponse.Invalid;
        }

        // Without a billed count (a proxy that strips meta), four characters a token, marked as an estimate.
        var usage = BilledInput(root) is { } billed
            ? new TokenUsage(billed, 0)
            : new TokenUsage(Math.Max(1, (OpenAiEmbeddingsJson.Texts(call.Body["input"])!.Sum(t => t.Length) + 3) / 4), 0, Estimated: true);
        var base64 = JsonNodes.String(call.Body["encoding_format"]) == "base64";
        var json = OpenAiEmbeddingsJson.Write(call.Deployment.Model, (floats, base64), floats.GetArrayLength(),
            static (w, read, i) => OpenAiEmbeddingsJson.WriteFloats(w, read.floats[i], read.base64), usage);
        return json is null ? ProviderResponse.Invalid : new ProviderResponse(json, usage);
    }

    private static int? BilledInput(JsonElement root) =>
        root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("billed_units", out var billed) && billed.ValueKind == JsonValueKind.Object
        && billed.TryGetProperty("input_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Number
        && tokens.TryGetDouble(out var count) && count >= 0 && count <= int.MaxValue
            ? (int)count
            : null;
}
