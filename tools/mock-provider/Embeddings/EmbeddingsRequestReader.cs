using System.Text.Json;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Embeddings;

/// <summary>
/// Reads an embeddings request. <c>input</c> is a string, an array of strings, one token array, or an array of
/// token arrays, as in OpenAI's API; each gives one embedding.
/// </summary>
internal static class EmbeddingsRequestReader
{
    // FNV-1a 64-bit: stable across processes and runtimes, unlike string.GetHashCode.
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    public static bool TryRead(ReadOnlyMemory<byte> body, out EmbeddingsRequest request, out OpenAiError? error)
    {
        request = null!;
        if (!RequestJson.TryOpen(body, out var document, out var modelName, out error))
        {
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, modelName, out request, out error);
        }
    }

    private static bool TryRead(JsonElement root, string modelName, out EmbeddingsRequest request, out OpenAiError? error)
    {
        request = null!;
        error = null;
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            error = OpenAiError.MissingParameter("input");
            return false;
        }

        if (!TryReadInputs(input, out var inputs))
        {
            error = OpenAiError.InvalidValue("input", "Invalid 'input': expected a string, an array of strings, an array of integers or an array of integer arrays, not empty.");
            return false;
        }

        var base64 = false;
        if (root.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            base64 = format.ValueEquals("base64");
            if (!base64 && !format.ValueEquals("float"))
            {
                error = OpenAiError.InvalidValue("encoding_format", "Invalid 'encoding_format': expected 'float' or 'base64'.");
                return false;
            }
        }

        var dimensions = EmbeddingsRequest.DefaultDimensions;
        if (root.TryGetProperty("dimensions", out var dims) && dims.ValueKind != JsonValueKind.Null
            && (!dims.TryGetInt32(out dimensions) || dimensions < 1 || dimensions > EmbeddingsRequest.MaxDimensions))
        {
            error = OpenAiError.InvalidValue("dimensions", $"Invalid 'dimensions': expected an integer from 1 to {EmbeddingsRequest.MaxDimensions}.");
            return false;
        }

        request = new EmbeddingsRequest(modelName, inputs, base64, dimensions);
        return true;
    }

    private static bool TryReadInputs(JsonElement input, out List<EmbeddingInput> inputs)
    {
        inputs = [];
        if (input.ValueKind == JsonValueKind.String)
        {
            inputs.Add(FromText(input.GetString()!));
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return false;
        }

        var first = input[0].ValueKind;
        if (first == JsonValueKind.Number)
        {
            // One token array is one input.
            return TryFromTokens(input, out var single) && Add(inputs, single);
        }

        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && first == JsonValueKind.String)
            {
                inputs.Add(FromText(item.GetString()!));
            }
            else if (item.ValueKind == JsonValueKind.Array && first == JsonValueKind.Array && TryFromTokens(item, out var tokens))
            {
                inputs.Add(tokens);
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static bool Add(List<EmbeddingInput> inputs, EmbeddingInput input)
    {
        inputs.Add(input);
        return true;
    }

    /// <summary>Also used by the Google embeddings routes, so one text embeds the same whichever API asked.</summary>
    internal static EmbeddingInput FromText(string text)
    {
        var hash = FnvOffset;
        foreach (var c in text)
        {
            hash = (hash ^ c) * FnvPrime;
        }

        return new EmbeddingInput(hash, Math.Max(1, Words.Count(text)));
    }

    private static bool TryFromTokens(JsonElement array, out EmbeddingInput input)
    {
        input = default;
        var hash = FnvOffset ^ 0x746f6b656e73; // salted so [1,2] and the text "\u0001\u0002" differ
        var count = 0;
        foreach (var token in array.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt32(out var id))
            {
                return false;
            }

            hash = (hash ^ (uint)id) * FnvPrime;
            count++;
        }

        input = new EmbeddingInput(hash, Math.Max(1, count));
        return count > 0;
    }
}
