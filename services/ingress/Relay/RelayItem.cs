using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Relay;

/// <summary>Either one chunk's data or the final answer.</summary>
internal readonly record struct RelayItem(string? Chunk, CompletionAnswered? Answer, bool Incomplete)
{
    public static RelayItem ForChunk(string data) => new(data, null, false);

    public static RelayItem ForAnswer(CompletionAnswered answer, bool incomplete) => new(null, answer, incomplete);
}
