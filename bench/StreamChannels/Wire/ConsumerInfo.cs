namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>
/// The consumer process as the driver needs it: its pid (for CPU time), its bus endpoint once ready, its clock's
/// tick rate, and how many chunks arrived for no announced stream.
/// </summary>
internal sealed record ConsumerInfo(int ProcessId, Uri? BusAddress, long StopwatchFrequency, long StrayChunks);
