using System.Collections.Concurrent;
using System.Collections.Frozen;
using MassTransit;

namespace AiMesh.Router.Health;

/// <summary>
/// The latest <see cref="DeploymentHealthReport"/> of every other router replica, for the strategies (calls in flight,
/// latency), the circuit breakers (their error rate counts every replica's calls; a circuit a peer opened is opened here
/// too) and <c>/admin/deployments</c>. A peer's report is forgotten three of its intervals after it arrived, so a
/// replica that stopped (killed, partitioned) stops weighing within seconds. Ages are measured on this replica's clock,
/// never compared with the sender's.
/// </summary>
internal sealed class PeerHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Received> peers = new();

    /// <summary>This replica's id in the reports it sends.</summary>
    public Guid Self { get; } = NewId.NextGuid();

    /// <summary>Whether any peer's report is current: when none is, the merge costs nothing.</summary>
    public bool Any => !peers.IsEmpty;

    /// <summary>Keeps a peer's report (its own are ignored); false when it came from this replica.</summary>
    public bool Accept(DeploymentHealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Replica == Self)
        {
            return false;
        }

        var byName = report.Deployments.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
        peers[report.Replica] = new Received(time.GetTimestamp(), report.Interval * 3, byName);
        return true;
    }

    /// <summary>The deployment as each current peer last reported it, with how long ago that report arrived.</summary>
    public IEnumerable<(DeploymentHealthSnapshot Snapshot, TimeSpan Age)> Of(string deployment)
    {
        foreach (var (replica, received) in peers)
        {
            var age = time.GetElapsedTime(received.At);
            if (age > received.Expiry)
            {
                peers.TryRemove(new KeyValuePair<Guid, Received>(replica, received));
                continue;
            }

            if (received.Deployments.TryGetValue(deployment, out var snapshot))
            {
                yield return (snapshot, age);
            }
        }
    }

    /// <summary>How many peers have a current report.</summary>
    public int Count => peers.Count(p => time.GetElapsedTime(p.Value.At) <= p.Value.Expiry);

    public int InFlight(string deployment)
    {
        var sum = 0;
        foreach (var (snapshot, _) in Of(deployment))
        {
            sum += snapshot.InFlight;
        }

        return sum;
    }

    /// <summary>Calls and failures the peers counted in their windows.</summary>
    public (int Calls, int Failures) Window(string deployment)
    {
        var (calls, failures) = (0, 0);
        foreach (var (snapshot, _) in Of(deployment))
        {
            calls += snapshot.Calls;
            failures += snapshot.Failures;
        }

        return (calls, failures);
    }

    private sealed record Received(long At, TimeSpan Expiry, FrozenDictionary<string, DeploymentHealthSnapshot> Deployments);
}
