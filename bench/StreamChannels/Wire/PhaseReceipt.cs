namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>
/// What the consumer saw of one phase: streams seen, chunks arrived, out of order, unexpected (duplicates), the
/// earliest send stamp and the latest receipt stamp of any chunk, and, when asked, every stream's stamps.
/// </summary>
internal sealed record PhaseReceipt(
    int Streams,
    int Arrived,
    int OutOfOrder,
    int Unexpected,
    long FirstSent,
    long LastReceived,
    IReadOnlyList<StreamReceipt>? Detail);
