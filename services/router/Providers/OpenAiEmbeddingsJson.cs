using System.Buffers;
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
}
