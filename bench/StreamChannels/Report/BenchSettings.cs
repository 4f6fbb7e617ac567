namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>What was run, as the report states it.</summary>
internal sealed record BenchSettings(
    int ChunksPerStream,
    double MeanChunkBytes,
    int Rounds,
    int PacedStreams,
    double PaceMs,
    double BackToBackSeconds,
    double WarmupSeconds,
    int BrokerProcesses);
