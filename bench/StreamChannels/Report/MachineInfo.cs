namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>Where the numbers came from. Load averages are /proc/loadavg's first three fields.</summary>
internal sealed record MachineInfo(
    int Cores,
    string Kernel,
    string Runtime,
    string MassTransit,
    string? Broker,
    string? Commit,
    string LoadBefore,
    string LoadAfter);
