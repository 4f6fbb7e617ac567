using System.Buffers.Binary;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Embeddings;

/// <summary><c>POST /v1/embeddings</c>: one deterministic vector per input, as floats or little-endian float32 base64.</summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (!EmbeddingsRequestReader.TryRead(body, out var request, out var error))
        {
            await exchange.SendErrorAsync(error!);
            return;
        }

        var json = MockJson.Render((request, exchange.Scenario.NoUsage), Write);
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
    }

    private static void Write(Utf8JsonWriter w, (EmbeddingsRequest Request, bool NoUsage) state)
    {
        var (request, noUsage) = state;
        var vector = new float[request.Dimensions];
        var bytes = request.Base64 ? new byte[request.Dimensions * sizeof(float)] : null;
        var tokens = 0;
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            tokens += input.Tokens;
            EmbeddingVectors.Fill(input.Seed, vector);
            w.WriteStartObject();
            w.WriteString("object", "embedding");
            w.WriteNumber("index", i);
            if (bytes is not null)
            {
                for (var d = 0; d < vector.Length; d++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(d * sizeof(float)), vector[d]);
                }

                w.WriteBase64String("embedding", bytes);
            }
            else
            {
                w.WriteStartArray("embedding");
                foreach (var value in vector)
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("model", request.Model);
        if (!noUsage)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
