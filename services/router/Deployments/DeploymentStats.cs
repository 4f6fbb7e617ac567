using System.Collections.Concurrent;

namespace AiMesh.Router.Deployments;

/// <summary>
/// What this replica has seen of each deployment, for the strategies that need it: calls in flight now, and a moving
/// average of how long a call took to start answering (first byte; the whole call when none came). Each new call
/// weighs <see cref="Smoothing"/> in the average, so a deployment that slows down loses traffic within a few calls.
/// The average also halves for every <see cref="HalfLife"/> without a call, so a deployment that lost its traffic for
/// being slow is tried again before long and wins it back if it recovered (otherwise it is measured slow again). A
/// deployment never called has no average and counts as fast, so it is tried. A deployment's first call on this
/// replica is not measured either: it pays for what no later call does (the connection's TCP and TLS handshakes, and in
/// a fresh process the code's first compilation), and one such outlier as the whole average would keep a fast
/// deployment out of the draw until the half-life wore it down. The average starts at the second call.
/// <para>
/// Shared by the router replicas (<see cref="Health.PeerHealth"/>): the calls in flight are this replica's plus what
/// each peer last reported (at most <c>Router:Health:ShareInterval</c> old), and the latency is the mean of the
/// averages of the replicas that have one. <see cref="LocalInFlight"/> and <see cref="LocalLatencyMs"/> are this
/// replica's alone, for its own report.
/// </para>
/// <para>
/// For the capacity-aware strategy it also counts the calls started and the tokens used in the last minute (six
/// buckets of ten seconds), this replica's plus what its peers last reported (<see cref="LastMinute"/>).
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

    public void Started(Deployment deployment)
    {
        var entry = EntryOf(deployment);
        Interlocked.Increment(ref entry.InFlight);
        lock (entry)
        {
            entry.Minute.Add(time.GetUtcNow().ToUnixTimeMilliseconds(), requests: 1, tokens: 0);
        }
    }

    /// <param name="tokens">The tokens the call used, as the provider reported them (0 when it reported none).</param>
    public void Ended(Deployment deployment, double latencyMs, long tokens = 0)
    {
        var entry = EntryOf(deployment);
        Interlocked.Decrement(ref entry.InFlight);
        var decayed = LocalLatencyMs(deployment);
        lock (entry)
        {
            if (entry.Calls++ > 0)
            {
                entry.LatencyMs = decayed == 0 ? latencyMs : decayed + (Smoothing * (latencyMs - decayed));
            }

            entry.LastSample = time.GetTimestamp();
            entry.Minute.Add(time.GetUtcNow().ToUnixTimeMilliseconds(), requests: 0, tokens);
        }
    }

    /// <summary>This replica's calls started and tokens used in the last minute.</summary>
    public (long Requests, long Tokens) LocalLastMinute(Deployment deployment)
    {
        var entry = EntryOf(deployment);
        lock (entry)
        {
            return entry.Minute.Sum(time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Calls started and tokens used in the last minute, on this replica and (as last reported) on the others.</summary>
    public (long Requests, long Tokens) LastMinute(Deployment deployment)
    {
        var (requests, tokens) = LocalLastMinute(deployment);
        if (peers.Any)
        {
            foreach (var (snapshot, _) in peers.Of(deployment.Name))
            {
                requests += snapshot.RequestsLastMinute;
                tokens += snapshot.TokensLastMinute;
            }
        }

        return (requests, tokens);
    }

    private Entry EntryOf(Deployment deployment) => entries.GetOrAdd(deployment.Name, static _ => new Entry());

    private sealed class Entry
    {
        public int InFlight;
        public double LatencyMs;
        public long Calls;
        public long LastSample;
        public readonly MinuteWindow Minute = new();
    }

    /// <summary>Counts over the last minute in six buckets of ten seconds (a bucket is cleared when its slot comes round again).</summary>
    private sealed class MinuteWindow
    {
        private const long BucketMs = 10_000;
        private const int Buckets = 6;
        private readonly long[] slots = new long[Buckets];
        private readonly long[] requests = new long[Buckets];
        private readonly long[] tokens = new long[Buckets];

        public void Add(long nowMs, long requests, long tokens)
        {
            var slot = nowMs / BucketMs;
            var index = (int)(slot % Buckets);
            if (slots[index] != slot)
            {
                (slots[index], this.requests[index], this.tokens[index]) = (slot, 0, 0);
            }

            this.requests[index] += requests;
            this.tokens[index] += tokens;
        }

        public (long Requests, long Tokens) Sum(long nowMs)
        {
            var slot = nowMs / BucketMs;
            var (sumRequests, sumTokens) = (0L, 0L);
            for (var i = 0; i < Buckets; i++)
            {
                if (slots[i] > slot - Buckets)
                {
                    sumRequests += requests[i];
                    sumTokens += tokens[i];
                }
            }

            return (sumRequests, sumTokens);
        }
    }
}
