using System.Text.Json;
using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// <c>POST /model/{id}/invoke</c> for embedding models, in each family's own body: Cohere Embed (a model id with
/// <c>cohere.embed</c>: <c>{"texts","input_type"}</c> → <c>{"embeddings"}</c>, 1024 dimensions) or Amazon Titan Text
/// Embeddings V2 (anything else: <c>{"inputText","dimensions"}</c> → <c>{"embedding","inputTextTokenCount"}</c>).
/// Vectors are the mock's deterministic unit vectors, so equal texts embed equally.
/// </summary>
internal static class InvokeEndpoint
{
    private const int CohereDimensions = 1024;

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body, string modelId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await AwsError.Validation("Malformed input request, please reformat your input and try again.").SendAsync(exchange);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var cohere = modelId.Contains("cohere.embed", StringComparison.Ordinal);
            var (json, error) = cohere ? Cohere(root) : Titan(root);
            if (error is not null)
            {
                await error.SendAsync(exchange);
                return;
            }

            await exchange.SendJsonAsync(StatusCodes.Status200OK, json!.WrittenMemory, injectFaults: true);
        }
    }

    private static (System.Buffers.ArrayBufferWriter<byte>? Json, AwsError? Error) Titan(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputText", out var input) || input.ValueKind != JsonValueKind.String)
        {
            return (null, AwsError.Validation("Malformed input request: #: required key [inputText] not found, please reformat your input and try again."));
        }

        var dimensions = 1024;
        if (root.TryGetProperty("dimensions", out var dims) && (!dims.TryGetInt32(out dimensions) || dimensions is not (256 or 512 or 1024)))
        {
            return (null, AwsError.Validation("Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat your input and try again."));
        }

        var embedding = EmbeddingsRequestReader.FromText(input.GetString()!);
        var vector = new float[dimensions];
        EmbeddingVectors.Fill(embedding.Seed, vector);
        return (MockJson.Render((vector, embedding.Tokens), static (w, state) =>
        {
            w.WriteStartObject();
            WriteVector(w, "embedding", state.vector);
            w.WriteNumber("inputTextTokenCount", state.Tokens);
            w.WriteStartObject("embeddingsByType");
            WriteVector(w, "float", state.vector);
            w.WriteEndObject();
            w.WriteEndObject();
        }), null);
    }

    private static (System.Buffers.ArrayBufferWriter<byte>? Json, AwsError? Error) Cohere(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("texts", out var texts) || texts.ValueKind != JsonValueKind.Array
            || texts.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            return (null, AwsError.Validation("Malformed input request: #: required key [texts] not found, please reformat your input and try again."));
        }

        if (!root.TryGetProperty("input_type", out var inputType) || inputType.ValueKind != JsonValueKind.String)
        {
            return (null, AwsError.Validation("Malformed input request: #: required key [input_type] not found, please reformat your input and try again."));
        }

        var strings = texts.EnumerateArray().Select(t => t.GetString()!).ToArray();
        return (MockJson.Render(strings, static (w, strings) =>
        {
            var vector = new float[CohereDimensions];
            w.WriteStartObject();
            w.WriteStartArray("embeddings");
            foreach (var text in strings)
            {
                EmbeddingVectors.Fill(EmbeddingsRequestReader.FromText(text).Seed, vector);
                w.WriteStartArray();
                foreach (var value in vector)
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteString("id", "mock-embed-1");
            w.WriteString("response_type", "embeddings_floats");
            w.WriteStartArray("texts");
            foreach (var text in strings)
            {
                w.WriteStringValue(text);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }), null);
    }

    private static void WriteVector(Utf8JsonWriter w, string name, float[] vector)
    {
        w.WriteStartArray(name);
        foreach (var value in vector)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
