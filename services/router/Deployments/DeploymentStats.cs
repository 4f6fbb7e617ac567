using System.Collections.Concurrent;

namespace AiMesh.Router.Deployments;

/// <summary>
/// What this replica has seen of each deployment, for the strategies that need it: calls in flight now, and a moving
/// average of how long a call took to start answering (first byte; the whole call when none came). Each new call
/// weighs <see cref="Smoothing"/> in the average, so a deployment that slows down loses traffic within a few calls.
/// The average also halves for every <see cref="HalfLife"/> without a call, so a deployment that lost its traffic for
/// being slow is tried again before long and wins it back if it recovered (otherwise it is measured slow again). A
/// deployment never called has no average and counts as fast, so it is tried.
/// <para>
/// Shared by the router replicas (<see cref="Health.PeerHealth"/>): the calls in flight are this replica's plus what
/// each peer last reported (at most <c>Router:Health:ShareInterval</c> old), and the latency is the mean of the
/// averages of the replicas that have one. <see cref="LocalInFlight"/> and <see cref="LocalLatencyMs"/> are this
/// replica's alone, for its own report.
/// </para>
/// </summary>
internal sealed class DeploymentStats(Health.PeerHealth peers, TimeProvider time)
{
    public const double Smoothing = 0.3;

    public static readonly TimeSpan HalfLife = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>Calls at the deployment now, on this replica and (as last reported) on the others.</summary>
    public int InFlight(Deployment deployment) => LocalInFlight(deployment) + (peers.Any ? peers.InFlight(deployment.Name) : 0);

    public int LocalInFlight(Deployment deployment) => Volatile.Read(ref EntryOf(deployment).InFlight);

    /// <summary>The mean of the replicas' moving averages (each decayed as <see cref="LocalLatencyMs"/> is); 0 when none has one.</summary>
    public double LatencyMs(Deployment deployment)
    {
        var local = LocalLatencyMs(deployment);
        if (!peers.Any)
        {
            return local;
        }

        var (sum, count) = local > 0 ? (local, 1) : (0.0, 0);
        foreach (var (snapshot, age) in peers.Of(deployment.Name))
        {
            if (snapshot.LatencyMs > 0)
            {
                sum += snapshot.LatencyMs * Math.Pow(0.5, age / HalfLife);
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>This replica's moving average in milliseconds, decayed by the time since the last call ended; 0 before the first.</summary>
    public double LocalLatencyMs(Deployment deployment)
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
        var decayed = LocalLatencyMs(deployment);
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
