using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>
/// Writes OpenAI's embeddings answer (<c>{"object":"list","data":[{"object":"embedding","index","embedding"}],
/// "model","usage":{"prompt_tokens","total_tokens"}}</c>) for the adapters that translate another provider's
/// embeddings, so the envelope is written in one place. How a vector is read is each provider's, as their numbers come
/// in different shapes; a vector that is a JSON array of floats is written by <see cref="WriteFloats"/>.
/// </summary>
internal static class OpenAiEmbeddingsJson
{
    /// <param name="writeEmbedding">
    /// Writes the <c>embedding</c> member of the vector at an index; false when that vector is not one, which makes the
    /// whole answer unusable.
    /// </param>
    /// <returns>Null when a vector was not one.</returns>
    public static string? Write<TVectors>(string model, TVectors vectors, int count, Func<Utf8JsonWriter, TVectors, int, bool> writeEmbedding, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(writeEmbedding);
        ArgumentNullException.ThrowIfNull(usage);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (!writeEmbedding(writer, vectors, i))
                {
                    return null;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", model);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", usage.PromptTokens);
            writer.WriteNumber("total_tokens", usage.PromptTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes the <c>embedding</c> member from a JSON array of numbers, as it is or, for <c>encoding_format:
    /// "base64"</c>, as OpenAI encodes it (little-endian float32, base64).
    /// </summary>
    /// <returns>False when <paramref name="vector"/> is not an array of finite float32 numbers.</returns>
    public static bool WriteFloats(Utf8JsonWriter writer, JsonElement vector, bool base64)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (vector.ValueKind != JsonValueKind.Array || vector.EnumerateArray().Any(v => !IsFloat(v)))
        {
            return false;
        }

        if (base64)
        {
            var bytes = new byte[vector.GetArrayLength() * sizeof(float)];
            var offset = 0;
            foreach (var value in vector.EnumerateArray())
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), value.GetSingle());
                offset += sizeof(float);
            }

            writer.WriteBase64String("embedding", bytes);
        }
        else
        {
            writer.WritePropertyName("embedding");
            vector.WriteTo(writer);
        }

        return true;
    }

    /// <summary>The texts of an OpenAI embeddings <c>input</c>: a string or a non-empty array of strings; null for token ids or anything else.</summary>
    public static List<string>? Texts(JsonNode? input)
    {
        if (Text(input) is { } single)
        {
            return [single];
        }

        if (input is not JsonArray array || array.Count == 0)
        {
            return null;
        }

        var texts = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (Text(item) is not { } text)
            {
                return null;
            }

            texts.Add(text);
        }

        return texts;
    }

    /// <summary>A number an embedding may hold: a finite float32.</summary>
    private static bool IsFloat(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var number) && float.IsFinite(number);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) ? text : null;
}
