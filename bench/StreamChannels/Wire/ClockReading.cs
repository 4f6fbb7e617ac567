namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>The consumer's <c>Stopwatch.GetTimestamp()</c> at the moment it answered.</summary>
internal sealed record ClockReading(long Timestamp);
