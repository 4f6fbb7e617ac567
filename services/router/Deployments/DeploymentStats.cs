using System.Collections.Concurrent;

namespace AiMesh.Router.Deployments;

/// <summary>
/// What this replica has seen of each deployment, for the strategies that need it: calls in flight now, and a moving
/// average of how long a call took to start answering (first byte; the whole call when none came). Each new call
/// weighs <see cref="Smoothing"/> in the average, so a deployment that slows down loses traffic within a few calls.
/// The average also halves for every <see cref="HalfLife"/> without a call, so a deployment that lost its traffic for
/// being slow is tried again before long and wins it back if it recovered (otherwise it is measured slow again). A
/// deployment never called has no average and counts as fast, so it is tried. Per replica: sharing these among router
/// replicas is issue 6's next step.
/// </summary>
internal sealed class DeploymentStats(TimeProvider time)
{
    public const double Smoothing = 0.3;

    public static readonly TimeSpan HalfLife = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public int InFlight(Deployment deployment) => Volatile.Read(ref EntryOf(deployment).InFlight);

    /// <summary>The moving average in milliseconds, decayed by the time since the last call ended; 0 before the first.</summary>
    public double LatencyMs(Deployment deployment)
    {
        var entry = EntryOf(deployment);
        lock (entry)
        {
            if (entry.LatencyMs == 0)
            {
                return 0;
            }

            var idle = time.GetElapsedTime(entry.LastSample);
            return entry.LatencyMs * Math.Pow(0.5, idle / HalfLife);
        }
    }

    public void Started(Deployment deployment) => Interlocked.Increment(ref EntryOf(deployment).InFlight);

    public void Ended(Deployment deployment, double latencyMs)
    {
        var entry = EntryOf(deployment);
        Interlocked.Decrement(ref entry.InFlight);
        var decayed = LatencyMs(deployment);
        lock (entry)
        {
            entry.LatencyMs = decayed == 0 ? latencyMs : decayed + (Smoothing * (latencyMs - decayed));
            entry.LastSample = time.GetTimestamp();
        }
    }

    private Entry EntryOf(Deployment deployment) => entries.GetOrAdd(deployment.Name, static _ => new Entry());

    private sealed class Entry
    {
        public int InFlight;
        public double LatencyMs;
        public long LastSample;
    }
}
