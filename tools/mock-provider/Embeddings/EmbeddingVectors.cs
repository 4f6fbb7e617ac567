namespace AiMesh.MockProvider.Embeddings;

/// <summary>A deterministic unit vector from a seed, so equal inputs embed equally and different ones differ.</summary>
internal static class EmbeddingVectors
{
    public static void Fill(ulong seed, Span<float> vector)
    {
        var state = seed;
        var sumOfSquares = 0.0;
        for (var i = 0; i < vector.Length; i++)
        {
            // SplitMix64, top 24 bits as a float in [-1, 1).
            state += 0x9E3779B97F4A7C15;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            var value = ((z >> 40) / (float)(1 << 24) * 2f) - 1f;
            vector[i] = value;
            sumOfSquares += value * value;
        }

        var norm = (float)Math.Sqrt(sumOfSquares);
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }
    }
}
