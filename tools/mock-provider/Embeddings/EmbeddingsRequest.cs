namespace AiMesh.MockProvider.Embeddings;

internal sealed record EmbeddingsRequest(string Model, IReadOnlyList<EmbeddingInput> Inputs, bool Base64, int Dimensions)
{
    public const int DefaultDimensions = 8;

    public const int MaxDimensions = 8192;
}
