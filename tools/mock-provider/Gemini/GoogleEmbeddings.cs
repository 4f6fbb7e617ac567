using System.Text.Json;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// Embeddings on Google's paths, with the same deterministic vectors as the OpenAI route (equal texts embed equally):
/// the Gemini API's <c>:batchEmbedContents</c> (<c>{"embeddings":[{"values":[…]}]}</c>, no usage, as Google sends
/// none) and <c>:embedContent</c>, and Vertex AI's <c>:predict</c> (<c>predictions[].embeddings</c> with
/// <c>statistics.token_count</c>, left out with <c>noUsage</c>). <c>outputDimensionality</c> sets the size (default 8).
/// </summary>
internal static class GoogleEmbeddings
{
    public static async Task HandleAsync(MockExchange exchange, GoogleRoute route, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await GoogleEndpoints.SendErrorAsync(exchange, GoogleError.InvalidArgument("Invalid JSON payload received."));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var read = route.Method switch
            {
                GoogleMethod.BatchEmbedContents => ReadBatch(root, route.Model),
                GoogleMethod.EmbedContent => ReadSingle(root),
                _ => ReadPredict(root),
            };
            if (read.Error is not null)
            {
                await GoogleEndpoints.SendErrorAsync(exchange, read.Error);
                return;
            }

            var json = MockJson.Render((route.Method, read.Texts, read.Dimensions, exchange.Scenario.NoUsage), static (w, s) => Write(w, s.Method, s.Texts, s.Dimensions, s.NoUsage));
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    private static (List<string> Texts, int Dimensions, GoogleError? Error) ReadBatch(JsonElement root, string model)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("requests", out var requests)
            || requests.ValueKind != JsonValueKind.Array || requests.GetArrayLength() == 0)
        {
            return ([], 0, GoogleError.InvalidArgument("* BatchEmbedContentsRequest.requests: requests must not be empty."));
        }

        var texts = new List<string>();
        var dimensions = EmbeddingsRequest.DefaultDimensions;
        foreach (var request in requests.EnumerateArray())
        {
            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("model", out var named) || !named.ValueEquals("models/" + model))
            {
                return ([], 0, GoogleError.InvalidArgument($"* BatchEmbedContentsRequest.requests: each request's model must be models/{model}."));
            }

            var single = ReadSingle(request);
            if (single.Error is not null)
            {
                return single;
            }

            texts.AddRange(single.Texts);
            dimensions = single.Dimensions;
        }

        return (texts, dimensions, null);
    }

    private static (List<string> Texts, int Dimensions, GoogleError? Error) ReadSingle(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object
            || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
        {
            return ([], 0, GoogleError.InvalidArgument("* EmbedContentRequest.content: content must have parts."));
        }

        var text = string.Join(" ", parts.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("text").GetString()));
        return Dimensions(request, "outputDimensionality") is { } dimensions
            ? ([text], dimensions, null)
            : ([], 0, GoogleError.InvalidArgument($"outputDimensionality must be from 1 to {EmbeddingsRequest.MaxDimensions}."));
    }

    private static (List<string> Texts, int Dimensions, GoogleError? Error) ReadPredict(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("instances", out var instances)
            || instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
        {
            return ([], 0, GoogleError.InvalidArgument("instances must not be empty."));
        }

        var texts = new List<string>();
        foreach (var instance in instances.EnumerateArray())
        {
            if (instance.ValueKind != JsonValueKind.Object || !instance.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                return ([], 0, GoogleError.InvalidArgument("Each instance needs a content string."));
            }

            texts.Add(content.GetString()!);
        }

        var parameters = root.TryGetProperty("parameters", out var p) ? p : default;
        return Dimensions(parameters, "outputDimensionality") is { } dimensions
            ? (texts, dimensions, null)
            : ([], 0, GoogleError.InvalidArgument($"outputDimensionality must be from 1 to {EmbeddingsRequest.MaxDimensions}."));
    }

    /// <returns>The requested size, the default when none is asked for, null when the value is out of range.</returns>
    private static int? Dimensions(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return EmbeddingsRequest.DefaultDimensions;
        }

        return value.TryGetInt32(out var dimensions) && dimensions is >= 1 and <= EmbeddingsRequest.MaxDimensions ? dimensions : null;
    }

    private static void Write(Utf8JsonWriter w, GoogleMethod method, List<string> texts, int dimensions, bool noUsage)
    {
        var vector = new float[dimensions];
        w.WriteStartObject();
        if (method == GoogleMethod.EmbedContent)
        {
            w.WriteStartObject("embedding");
            WriteValues(w, texts[0], vector);
            w.WriteEndObject();
            w.WriteEndObject();
            return;
        }

        w.WriteStartArray(method == GoogleMethod.Predict ? "predictions" : "embeddings");
        foreach (var text in texts)
        {
            w.WriteStartObject();
            if (method == GoogleMethod.Predict)
            {
                w.WriteStartObject("embeddings");
                if (!noUsage)
                {
                    w.WriteStartObject("statistics");
                    w.WriteBoolean("truncated", false);
                    w.WriteNumber("token_count", Math.Max(1, Words.Count(text)));
                    w.WriteEndObject();
                }

                WriteValues(w, text, vector);
                w.WriteEndObject();
            }
            else
            {
                WriteValues(w, text, vector);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (method == GoogleMethod.Predict)
        {
            w.WriteStartObject("metadata");
            w.WriteNumber("billableCharacterCount", texts.Sum(t => t.Length));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter w, string text, float[] vector)
    {
        EmbeddingVectors.Fill(EmbeddingsRequestReader.FromText(text).Seed, vector);
        w.WriteStartArray("values");
        foreach (var value in vector)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
