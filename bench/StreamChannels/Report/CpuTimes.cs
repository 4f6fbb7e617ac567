namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>CPU seconds of the three processes a chunk passes through (the broker only on the bus).</summary>
internal sealed record CpuTimes(double Producer, double Consumer, double Broker);
