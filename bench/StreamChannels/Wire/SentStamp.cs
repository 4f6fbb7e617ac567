namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>
/// How a chunk carries the moment the producer handed it over: <c>Stopwatch.GetTimestamp()</c>, which on Linux is
/// <c>clock_gettime(CLOCK_MONOTONIC)</c> in nanoseconds, one clock for every process on the machine (the driver
/// checks that against the consumer before it measures anything).
/// </summary>
internal static class SentStamp
{
    /// <summary>
    /// The MassTransit header that carries it on the bus: <c>CompletionChunk</c> has no field for it, and a contract
    /// does not change for a benchmark. A header costs the envelope about 25 bytes.
    /// </summary>
    public const string Header = "Bench-Sent";
}
