using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// OpenAI embeddings requests as Gemini API <c>batchEmbedContents</c> or Vertex AI <c>predict</c> bodies, and their
/// answers back as an OpenAI embeddings list. <c>dimensions</c> → <c>outputDimensionality</c>; <c>encoding_format:
/// base64</c> is done here (little-endian float32, as OpenAI encodes). Token-array inputs are OpenAI token ids, which
/// mean nothing to Gemini's tokenizer: unsupported. Vertex is told not to truncate long inputs silently, so an input
/// too long is an error as it is with OpenAI. Usage is Vertex's token count; the Gemini API reports none, so it is
/// estimated (about four UTF-8 bytes a token) and flagged <see cref="TokenUsage.Estimated"/>.
/// </summary>
internal static class GeminiEmbeddings
{
    public static JsonObject BuildGemini(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (inputs, dimensions) = Read(call.Body, call.Unsupported);
        var requests = new JsonArray();
        foreach (var input in inputs)
        {
            var request = new JsonObject
            {
                ["model"] = "models/" + call.Deployment.UpstreamModel,
                ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = input }) },
            };
            if (dimensions is not null)
            {
                request["outputDimensionality"] = dimensions.DeepClone();
            }

            requests.Add(request);
        }

        return new JsonObject { ["requests"] = requests };
    }

    public static JsonObject BuildVertex(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (inputs, dimensions) = Read(call.Body, call.Unsupported);
        var parameters = new JsonObject { ["autoTruncate"] = false };
        if (dimensions is not null)
        {
            parameters["outputDimensionality"] = dimensions.DeepClone();
        }

        return new JsonObject
        {
            ["instances"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject { ["content"] = i })]),
            ["parameters"] = parameters,
        };
    }

    /// <summary><c>{"embeddings":[{"values":[…]}]}</c>, optionally with <c>usageMetadata.promptTokenCount</c>.</summary>
    public static ProviderResponse ReadGemini(ProviderCall call, ReadOnlySpan<byte> body) => Parse(call, body, static root =>
    {
        if (!root.TryGetProperty("embeddings", out var embeddings) || embeddings.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var vectors = new List<JsonElement>();
        foreach (var embedding in embeddings.EnumerateArray())
        {
            if (embedding.ValueKind != JsonValueKind.Object || !embedding.TryGetProperty("values", out var values))
            {
                return null;
            }

            vectors.Add(values);
        }

        var tokens = root.TryGetProperty("usageMetadata", out var usage) ? GeminiJson.Int(usage, "promptTokenCount") : null;
        return (vectors, tokens);
    });

    /// <summary><c>{"predictions":[{"embeddings":{"values":[…],"statistics":{"token_count":7}}}]}</c>.</summary>
    public static ProviderResponse ReadVertex(ProviderCall call, ReadOnlySpan<byte> body) => Parse(call, body, static root =>
    {
        if (!root.TryGetProperty("predictions", out var predictions) || predictions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var vectors = new List<JsonElement>();
        int? tokens = 0;
        foreach (var prediction in predictions.EnumerateArray())
        {
            if (prediction.ValueKind != JsonValueKind.Object || !prediction.TryGetProperty("embeddings", out var embeddings)
                || embeddings.ValueKind != JsonValueKind.Object || !embeddings.TryGetProperty("values", out var values))
            {
                return null;
            }

            vectors.Add(values);
            var count = embeddings.TryGetProperty("statistics", out var statistics) ? StatisticsTokens(statistics) : null;
            tokens = tokens is null || count is null ? null : tokens + count;
        }

        return (vectors, tokens);
    });

    private static (List<string> Inputs, JsonNode? Dimensions) Read(JsonObject body, List<string> unsupported)
    {
        var inputs = new List<string>();
        JsonNode? dimensions = null;
        foreach (var (name, value) in body)
        {
            switch (name)
            {
                case "input":
                    Inputs(value, inputs, unsupported);
                    break;
                case "dimensions":
                    dimensions = value;
                    break;
                case "encoding_format" when value is null || GeminiJson.Text(value) is "float" or "base64":
                case "model" or "user":
                    break;
                default:
                    if (value is not null)
                    {
                        GeminiChatRequest.Note(unsupported, name);
                    }

                    break;
            }
        }

        return (inputs, dimensions);
    }

    private static void Inputs(JsonNode? input, List<string> inputs, List<string> unsupported)
    {
        if (GeminiJson.Text(input) is { } single)
        {
            inputs.Add(single);
            return;
        }

        foreach (var item in input as JsonArray ?? [])
        {
            if (GeminiJson.Text(item) is { } text)
            {
                inputs.Add(text);
            }
            else
            {
                GeminiChatRequest.Note(unsupported, "input");
            }
        }
    }

    private static int? StatisticsTokens(JsonElement statistics)
    {
        if (statistics.ValueKind != JsonValueKind.Object || !statistics.TryGetProperty("token_count", out var count))
        {
            return null;
        }

        // Vertex writes the count as a number, and in some versions as a float ("7.0").
        return count.ValueKind == JsonValueKind.Number && count.TryGetDouble(out var value) && value is >= 0 and <= int.MaxValue ? (int)value : null;
    }

    private static ProviderResponse Parse(ProviderCall call, ReadOnlySpan<byte> body, Func<JsonElement, (List<JsonElement> Vectors, int? Tokens)?> vectors)
    {
        ArgumentNullException.ThrowIfNull(call);
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || vectors(root) is not { } read)
            {
                return ProviderResponse.Invalid;
            }

            // The inputs again, to check the answer has one vector each and to estimate usage; what is unsupported was noted when the request was built.
            var inputs = Read(call.Body, []).Inputs;
            if (read.Vectors.Count != inputs.Count)
            {
                return ProviderResponse.Invalid;
            }

            var usage = read.Tokens is { } tokens
                ? new TokenUsage(tokens, 0)
                : new TokenUsage(inputs.Sum(EstimateTokens), 0, Estimated: true);
            var base64 = GeminiJson.Text(call.Body["encoding_format"]) == "base64";
            return Write(call.Deployment.Model, read.Vectors, base64, usage) is { } answer ? new ProviderResponse(answer, usage) : ProviderResponse.Invalid;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON whose strings are not text (a lone surrogate escape): not an answer.
            return ProviderResponse.Invalid;
        }
    }

    private static string? Write(string model, List<JsonElement> vectors, bool base64, TokenUsage usage) =>
        OpenAiEmbeddingsJson.Write(model, (vectors, base64), vectors.Count, static (writer, read, i) => OpenAiEmbeddingsJson.WriteFloats(writer, read.vectors[i], read.base64), usage);

    /// <summary>A rough count for providers that report none: about four UTF-8 bytes per token, at least one per input.</summary>
    private static int EstimateTokens(string input) => Math.Max(1, (Encoding.UTF8.GetByteCount(input) + 3) / 4);
}
