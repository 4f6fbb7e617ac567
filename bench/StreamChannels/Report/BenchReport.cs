namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>The JSON written to bench/results/: every round and the medians.</summary>
internal sealed record BenchReport(
    string Stamp,
    MachineInfo Machine,
    BenchSettings Settings,
    ClockCheck Clock,
    long StrayChunks,
    IReadOnlyList<ChannelRound> Rounds,
    IReadOnlyList<ChannelSummary> Summary);
