namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>
/// One phase (paced or back-to-back) of one channel in one round. Latency (paced phases only) is producer stamp →
/// the moment the consumer could hand the chunk on in sequence (its own receipt, or its predecessor's if that came
/// later); arrival latency ignores order. The added gap is how much later a chunk arrived after its predecessor than it was sent after it,
/// the extra jitter a reader of the stream sees. Throughput is chunks arrived over first send → last receipt. CPU is
/// per chunk sent, in microseconds; bytes per chunk are what the producer's sockets sent and the consumer's received
/// (the chunk with its framing or envelope, protocol frames, acknowledgements, and the phase's two control requests). Unexpected chunks are duplicates
/// or out of range.
/// </summary>
internal sealed record PhaseResult(
    int Streams,
    int Chunks,
    int Lost,
    int OutOfOrder,
    int Unexpected,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double ArrivalP99Ms,
    double LatencyMaxMs,
    double AddedGapP99Ms,
    double ChunksPerSecond,
    double ProducerCpuUs,
    double ConsumerCpuUs,
    double BrokerCpuUs,
    double ProducerSentPerChunk,
    double ConsumerReceivedPerChunk)
{
    public double TotalCpuUs => ProducerCpuUs + ConsumerCpuUs + BrokerCpuUs;
}
