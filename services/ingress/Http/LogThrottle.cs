namespace AiMesh.Ingress.Http;

/// <summary>
/// At most one log line per interval for an event anyone who can reach the port may provoke at will (a refused
/// stream-channel token): the others are counted and reported with the next line, so a flood cannot fill the disk
/// or drown the log, and the count is never lost.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval, Func<long>? clockMilliseconds = null)
{
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;
    private readonly Func<long> _now = clockMilliseconds ?? (() => Environment.TickCount64);
    private long _nextAt = long.MinValue;
    private long _suppressed;

    /// <summary>
    /// True when this event should be logged; <paramref name="suppressed"/> is then how many were not since the last
    /// line. False (and counted) otherwise.
    /// </summary>
    public bool TryLog(out long suppressed)
    {
        var now = _now();
        var nextAt = Interlocked.Read(ref _nextAt);
        if (now < nextAt || Interlocked.CompareExchange(ref _nextAt, now + _intervalMs, nextAt) != nextAt)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }

        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
