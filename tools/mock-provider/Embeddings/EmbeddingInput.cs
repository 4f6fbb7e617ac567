namespace AiMesh.MockProvider.Embeddings;

/// <summary>One input to embed, reduced to what the vector depends on: a hash of its content, and its token count.</summary>
internal readonly record struct EmbeddingInput(ulong Seed, int Tokens);
