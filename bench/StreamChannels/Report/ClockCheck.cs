namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>The shared-clock check: how often the consumer's reading fell outside the driver's bracket (must be never).</summary>
internal sealed record ClockCheck(int Samples, int Outside, double WidestBracketMs);
