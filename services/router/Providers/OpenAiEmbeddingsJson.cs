using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers;

/// <summary>
/// Writes OpenAI's embeddings answer (<c>{"object":"list","data":[{"object":"embedding","index","embedding"}],
/// "model","usage":{"prompt_tokens","total_tokens"}}</c>) for the adapters that translate another provider's
/// embeddings, so the envelope is written in one place. How a vector is read and checked (and encoded for
/// <c>encoding_format: "base64"</c>) is each provider's, as their numbers come in different shapes.
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
    /// Writes the <c>embedding</c> member from a provider's JSON array of numbers: the provider's own digits for
    /// <c>float</c>, or little-endian float32 bytes in base64 for <c>encoding_format: "base64"</c>, as OpenAI encodes them.
    /// </summary>
    /// <returns>False when <paramref name="values"/> is not an array of numbers.</returns>
    public static bool WriteVector(Utf8JsonWriter writer, JsonElement values, bool base64)
    {
        if (values.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        if (!base64)
        {
            writer.WriteStartArray("embedding");
            foreach (var value in values.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number)
                {
                    return false;
                }

                // The provider's own digits, not a re-rounded float.
                writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
            }

            writer.WriteEndArray();
            return true;
        }

        var bytes = new byte[values.GetArrayLength() * sizeof(float)];
        var offset = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
            {
                return false;
            }

            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), (float)number);
            offset += sizeof(float);
        }

        writer.WriteBase64String("embedding", bytes);
        return true;
    }
}
