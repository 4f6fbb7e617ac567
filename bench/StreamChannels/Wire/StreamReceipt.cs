namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>
/// What the consumer saw of one stream: per sequence number the producer's send stamp and the consumer's receipt
/// stamp (0 where the chunk never arrived), how many arrived, how many arrived after a later one, and how many were
/// duplicates or out of range.
/// </summary>
internal sealed record StreamReceipt(long[] Sent, long[] Received, int Arrived, int OutOfOrder, int Unexpected);
